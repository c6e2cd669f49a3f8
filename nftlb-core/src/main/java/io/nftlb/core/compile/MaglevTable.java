package io.nftlb.core.compile;

import io.nftlb.core.Scheduler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network
 * Load Balancer", NSDI 2016): slot to backend index, filled by one of the {@link
 * Scheduler.Maglev.Fill fills}.
 *
 * <p>Both fills first fix each backend's number of slots exactly in proportion to its weight
 * ({@link Slots#partition}, largest remainder, so within one slot of exact), then decide which
 * slots: {@link PermutationFill} the paper's way, {@link RendezvousFill} by bounded rendezvous
 * hashing, which moves fewer slots when a backend changes.
 *
 * <p>Determinism: the result depends only on the names, weights and size, never on the order
 * the backends are listed in (they are taken in name order), nor on the JVM (no
 * {@code hashCode} of objects, no random seeds), so every balancer builds the same table.
 */
final class MaglevTable {

    private MaglevTable() {}

    /**
     * @param names the backends' names (unique)
     * @param weights their weights, all > 0
     * @param size the table size, a prime larger than the number of backends
     * @param fill how slots are given to backends
     * @return for each slot, the index of its backend in {@code names}
     */
    static int[] build(List<String> names, List<Integer> weights, int size, Scheduler.Maglev.Fill fill) {
        int n = names.size();
        if (n == 0 || n != weights.size() || n >= size) {
            throw new IllegalArgumentException(n + " backends, " + weights.size() + " weights, table " + size);
        }
        // Turns and quota ties follow the order of the backends: build in name order, so that
        // balancers that list the same backends in another order still build the same table.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
        List<String> sortedNames = Arrays.stream(order).map(names::get).toList();
        List<Integer> sortedWeights = Arrays.stream(order).map(weights::get).toList();
        for (int i = 0; i < n; i++) {
            if (sortedWeights.get(i) <= 0) {
                throw new IllegalArgumentException("weight of " + sortedNames.get(i) + " must be > 0: "
                        + sortedWeights.get(i));
            }
        }
        int[] quota = quotas(sortedWeights, size);
        int[] table = switch (fill) {
            case PERMUTATION -> PermutationFill.fill(sortedNames, sortedWeights, quota);
            case BOUNDED_RENDEZVOUS -> RendezvousFill.fill(sortedNames, sortedWeights, quota);
        };
        for (int s = 0; s < size; s++) {
            table[s] = order[table[s]];
        }
        return table;
    }

    /** Each backend's number of slots, exactly in proportion to its weight (within one slot). */
    private static int[] quotas(List<Integer> weights, int size) {
        int[] quota = new int[weights.size()];
        for (Slots.Run run : Slots.partition(weights, size)) {
            quota[run.index()] = run.last() - run.first() + 1;
        }
        return quota;
    }

    /** FNV-1a over the bytes, keyed by {@code seed}, then murmur3's 64-bit finalizer to spread the bits. */
    static long hash(byte[] data, long seed) {
        long h = 0xcbf2_9ce4_8422_2325L ^ seed;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= 0x100_0000_01b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        h *= 0xc4ce_b9fe_1a85_ec53L;
        h ^= h >>> 33;
        return h;
    }
}
