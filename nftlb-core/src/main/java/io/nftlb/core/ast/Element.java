package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a set or map: a key (a constant, a concatenation of constants, a range or a
 * prefix), the data it maps to for maps, and an optional per-element timeout and comment.
 *
 * <p>A value class rather than a record of {@code Optional}s: a runtime keeps every farm's
 * elements (about ten per farm, 10,000 farms and more), and an {@code Optional} per element
 * would be a fifth of their heap. Equal when key, data, timeout and comment are.
 */
public final class Element {

    private final Expr key;
    private final Expr data;         // null: a set element
    private final Duration timeout;  // null: none
    private final String comment;    // null: none

    public Element(Expr key, Optional<Expr> data, Optional<Duration> timeout, Optional<String> comment) {
        this.key = requireNonNull(key, "key");
        this.data = requireNonNull(data, "data").orElse(null);
        this.timeout = requireNonNull(timeout, "timeout").orElse(null);
        this.comment = requireNonNull(comment, "comment").orElse(null);
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
        return new Element(key, data(), Optional.of(value), comment());
    }

    public Expr key() {
        return key;
    }

    public Optional<Expr> data() {
        return Optional.ofNullable(data);
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<String> comment() {
        return Optional.ofNullable(comment);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Element e && key.equals(e.key) && Objects.equals(data, e.data)
                && Objects.equals(timeout, e.timeout) && Objects.equals(comment, e.comment);
    }

    @Override
    public int hashCode() {
        // Without Objects.hash's varargs array: the planner hashes every element it diffs.
        int h = key.hashCode();
        h = 31 * h + Objects.hashCode(data);
        h = 31 * h + Objects.hashCode(timeout);
        return 31 * h + Objects.hashCode(comment);
    }

    @Override
    public String toString() {
        return "Element[key=" + key + ", data=" + data() + ", timeout=" + timeout() + ", comment=" + comment() + "]";
    }
}
