package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * One field of an nftlb object and what the daemon does with it: a step that maps it onto the
 * Farm DSL, or none (not supported yet) with the values that mean "off" and so need no support.
 * Supporting a field later is replacing its {@link #notSupported} entry with {@link #mapped}.
 *
 * @param <T> what the step builds (a farm or a backend)
 */
record Field<T>(String name, Optional<Step<T>> step, Set<String> inertValues) {

    /** Applies a field's value; {@code object} is the whole nftlb object, for fields read together. */
    @FunctionalInterface
    interface Step<T> {
        T apply(T target, String value, JsonNode object, String where);
    }

    /** A field mapped onto the DSL by {@code step}. */
    static <T> Field<T> mapped(String name, Step<T> step) {
        return new Field<>(name, Optional.of(step), Set.of());
    }

    /** A field read by another step (or structural, like the name): nothing to do on its own. */
    static <T> Field<T> readElsewhere(String name) {
        return new Field<>(name, Optional.of((target, value, object, where) -> target), Set.of());
    }

    /** A field not supported yet; these values (nftlb's "off" values, or "") are accepted as they change nothing. */
    static <T> Field<T> notSupported(String name, String... inertValues) {
        Set<String> inert = new HashSet<>(Set.of(inertValues));
        inert.add("");
        return new Field<>(name, Optional.empty(), Set.copyOf(inert));
    }

    /** Thrown by a step for a value of a mapped field that the library cannot do yet. */
    static final class NotSupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;
        final String value;

        NotSupported(String field, String value, String why) {
            super(why);
            this.field = field;
            this.value = value;
        }
    }

    /** Whether a value of this field changes nothing, so it needs no support. */
    boolean inert(String value) {
        return inertValues.contains(value);
    }
}
