package io.nftlb.core;

import java.util.List;
import java.util.Objects;

/** How a farm picks a backend for a new connection. */
public sealed interface Scheduler {

    /** Each backend in turn ({@code numgen inc}); weights are ignored. LVS {@code rr}. */
    record RoundRobin() implements Scheduler {}

    /** At random in proportion to weights ({@code numgen random} over a slot table). LVS {@code wrr}. */
    record Weighted() implements Scheduler {}

    /** By a hash of packet fields ({@code jhash}), in proportion to weights. */
    record Hash(List<HashField> fields, long seed) implements Scheduler {
        public Hash {
            fields = List.copyOf(fields);
            Check.that(!fields.isEmpty(), "scheduler", "hash needs at least one field");
            Check.that(fields.stream().distinct().count() == fields.size(), "scheduler",
                    "hash fields %s repeat a field", fields);
            Check.that(seed >= 0 && seed <= 0xffff_ffffL, "scheduler", "hash seed 0x%x must fit 32 bits", seed);
        }
    }

    /** By a hash that is the same in both directions ({@code symhash}): for paired balancers. */
    record SymmetricHash() implements Scheduler {}

    /** Packet fields a {@link Hash} scheduler can hash. */
    enum HashField { SOURCE_ADDRESS, SOURCE_PORT, DESTINATION_ADDRESS, DESTINATION_PORT }

    static Scheduler roundRobin() {
        return new RoundRobin();
    }

    static Scheduler weighted() {
        return new Weighted();
    }

    static Scheduler hash(HashField... fields) {
        return new Hash(List.of(fields), 0);
    }

    static Scheduler symmetricHash() {
        return new SymmetricHash();
    }

    /** Whether weights shape this scheduler's choice. */
    default boolean usesWeights() {
        return !(this instanceof RoundRobin);
    }

    /** Compares by kind and parameters. */
    static boolean same(Scheduler a, Scheduler b) {
        return Objects.equals(a, b);
    }
}
