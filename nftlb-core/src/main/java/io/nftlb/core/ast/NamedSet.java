package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A named set or map of a table. Keys and data are declared with {@code typeof} expressions
 * (e.g. {@code typeof ct mark : ip daddr}), which fixes their types and how nft prints them.
 *
 * @param key the typeof expression of the key ({@link Expr.Concat} for concatenated keys)
 * @param data the typeof expression of the data for a data map; empty for a set
 * @param verdictMap whether this is a verdict map (data type {@code verdict}); {@code data} is then empty
 * @param flags interval, timeout, dynamic, constant
 * @param timeout default element timeout
 * @param size maximum number of elements (a hard cap in the kernel)
 * @param gcInterval garbage collection interval for elements with timeouts
 * @param elements initial elements
 */
public record NamedSet(String name, Expr key, Optional<Expr> data, boolean verdictMap, Set<SetFlag> flags,
                       Optional<Duration> timeout, OptionalInt size, Optional<Duration> gcInterval,
                       List<Element> elements) {

    public NamedSet {
        requireNonNull(name, "name");
        requireNonNull(key, "key");
        requireNonNull(data, "data");
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        requireNonNull(timeout, "timeout");
        requireNonNull(size, "size");
        requireNonNull(gcInterval, "gcInterval");
        elements = List.copyOf(elements);
        if (verdictMap && data.isPresent()) {
            throw new IllegalArgumentException("set " + name + ": a verdict map has no data typeof");
        }
    }

    /** Set flags as nft spells them. */
    public enum SetFlag {
        // Declared in the order nft lists them.
        CONSTANT("constant"), INTERVAL("interval"), DYNAMIC("dynamic"), TIMEOUT("timeout");

        private final String keyword;

        SetFlag(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** Whether this is a map (verdict or data). */
    public boolean isMap() {
        return verdictMap || data.isPresent();
    }

    /** A plain set. */
    public static NamedSet set(String name, Expr key, Set<SetFlag> flags) {
        return new NamedSet(name, key, Optional.empty(), false, flags, Optional.empty(), OptionalInt.empty(),
                Optional.empty(), List.of());
    }

    /** A data map. */
    public static NamedSet map(String name, Expr key, Expr data, Set<SetFlag> flags) {
        return new NamedSet(name, key, Optional.of(data), false, flags, Optional.empty(), OptionalInt.empty(),
                Optional.empty(), List.of());
    }

    /** A verdict map. */
    public static NamedSet verdictMap(String name, Expr key, Set<SetFlag> flags) {
        return new NamedSet(name, key, Optional.empty(), true, flags, Optional.empty(), OptionalInt.empty(),
                Optional.empty(), List.of());
    }

    public NamedSet withElements(List<Element> value) {
        return new NamedSet(name, key, data, verdictMap, flags, timeout, size, gcInterval, value);
    }

    public NamedSet withSize(int value) {
        return new NamedSet(name, key, data, verdictMap, flags, timeout, OptionalInt.of(value), gcInterval, elements);
    }

    public NamedSet withTimeout(Duration value) {
        return new NamedSet(name, key, data, verdictMap, flags, Optional.of(value), size, gcInterval, elements);
    }
}
