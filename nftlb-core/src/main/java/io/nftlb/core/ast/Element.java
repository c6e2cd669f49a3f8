package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * One element of a set or map: a key (a constant, a concatenation of constants, a range or a
 * prefix), the data it maps to for maps, and an optional per-element timeout and comment.
 */
public record Element(Expr key, Optional<Expr> data, Optional<Duration> timeout, Optional<String> comment) {

    public Element {
        requireNonNull(key, "key");
        requireNonNull(data, "data");
        requireNonNull(timeout, "timeout");
        requireNonNull(comment, "comment");
    }

    /** A set element. */
    public static Element of(Expr key) {
        return new Element(key, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A map element. */
    public static Element of(Expr key, Expr data) {
        return new Element(key, Optional.of(data), Optional.empty(), Optional.empty());
    }

    /** This element with a timeout. */
    public Element withTimeout(Duration value) {
        return new Element(key, data, Optional.of(value), comment);
    }
}
