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

    /**
     * Consistent hashing with a Maglev lookup table (Eisenbud et al., NSDI 2016): a flow's
     * hash ({@code jhash} of {@code fields}, fixed {@code seed}) picks one of
     * {@code tableSize} slots, and the table gives each backend a share of slots in
     * proportion to its weight. The table depends only on the backends' names and weights,
     * so every balancer given the same farm builds the same table and sends a flow to the
     * same backend: a flow that moves to another balancer keeps its backend. Changing one
     * backend moves few slots (about its own share; see {@link Fill}). See {@code docs/maglev.md}.
     *
     * @param fields what to hash: the source address, optionally with ports
     * @param tableSize a prime, at most {@value #MAX_TABLE_SIZE}, larger than the number of backends
     * @param seed the jhash seed: fixed (never left to the kernel, which would pick a random
     *     one per rule and so per balancer)
     * @param fill how the table's slots are given to backends
     */
    record Maglev(List<HashField> fields, int tableSize, long seed, Fill fill) implements Scheduler {
        /** The default and largest table size: a prime, about 100 slots per backend for 650 backends. */
        public static final int MAX_TABLE_SIZE = 65_537;
        /** The default jhash seed ("magl"). */
        public static final long DEFAULT_SEED = 0x6d61_676cL;

        /**
         * How the table's slots are given to backends. Both give each backend exactly its
         * weight's share of slots (within one slot), depend only on the backends' names and
         * weights, and give every balancer the same table; they differ in how many slots move
         * between the other backends when one backend is added or removed.
         */
        public enum Fill {
            /**
             * Bounded rendezvous hashing (the default): each slot goes to its best-ranked backend
             * by a hash of the pair, among those below their share. Removing one of N backends
             * moves its own slots and at most about 0.5% of the table more.
             */
            BOUNDED_RENDEZVOUS,
            /**
             * The Maglev paper's permutation fill, as IPVS's {@code mh} and Katran do it; it moves
             * up to 2.5% of the table beyond the removed backend's share for fewer than 10 backends.
             */
            PERMUTATION
        }

        /** The default fill, {@link Fill#BOUNDED_RENDEZVOUS}. */
        public Maglev(List<HashField> fields, int tableSize, long seed) {
            this(fields, tableSize, seed, Fill.BOUNDED_RENDEZVOUS);
        }

        public Maglev {
            fields = List.copyOf(fields);
            Check.that(fill != null, "scheduler", "maglev fill must be given");
            Check.that(!fields.isEmpty(), "scheduler", "maglev needs at least one field");
            Check.that(fields.stream().distinct().count() == fields.size(), "scheduler",
                    "maglev fields %s repeat a field", fields);
            Check.that(tableSize >= 2 && tableSize <= MAX_TABLE_SIZE && isPrime(tableSize), "scheduler",
                    "maglev table size %d must be a prime within 2..%d", tableSize, MAX_TABLE_SIZE);
            Check.that(seed >= 0 && seed <= 0xffff_ffffL, "scheduler", "maglev seed 0x%x must fit 32 bits", seed);
        }

        /** The same scheduler with another fill. */
        public Maglev fill(Fill value) {
            return new Maglev(fields, tableSize, seed, value);
        }

        private static boolean isPrime(int n) {
            for (int d = 2; (long) d * d <= n; d++) {
                if (n % d == 0) {
                    return false;
                }
            }
            return n >= 2;
        }
    }

    /**
     * Packet fields a {@link Hash} or {@link Maglev} scheduler can hash. The MAC addresses are
     * those of the Ethernet header the packet came in with (the client's, or its last router's).
     */
    enum HashField { SOURCE_ADDRESS, SOURCE_PORT, DESTINATION_ADDRESS, DESTINATION_PORT, SOURCE_MAC, DESTINATION_MAC }

    static Scheduler roundRobin() {
        return new RoundRobin();
    }

    static Scheduler weighted() {
        return new Weighted();
    }

    static Scheduler hash(HashField... fields) {
        return new Hash(List.of(fields), 0);
    }

    /** Maglev over these fields, table size 65,537, the default seed. */
    static Maglev maglev(HashField... fields) {
        return new Maglev(List.of(fields), Maglev.MAX_TABLE_SIZE, Maglev.DEFAULT_SEED);
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
