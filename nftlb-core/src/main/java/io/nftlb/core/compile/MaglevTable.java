package io.nftlb.core.compile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network
 * Load Balancer", NSDI 2016, section 3.4): slot to backend index.
 *
 * <p>Each backend has a preference list, the permutation {@code (offset + j * skip) mod M} of
 * the slots, where {@code offset} and {@code skip} come from fixed 64-bit hashes of its name
 * ({@code M} prime, so every {@code skip} in {@code 1..M-1} visits every slot). Backends take
 * turns claiming their next preferred free slot until the table is full.
 *
 * <p>Weights: each backend's number of slots is fixed first, exactly in proportion to its
 * weight ({@link Slots#partition}, largest remainder, so within one slot of exact). Turns are
 * interleaved in proportion to weight as in Envoy's weighted Maglev: in round {@code t} a
 * backend claims only while {@code claims * maxWeight <= t * weight}, so heavy and light
 * backends fill the table at the same pace and keep their own preferred slots; a backend
 * stops claiming at its quota.
 *
 * <p>Determinism: the result depends only on the names, weights and size, never on the order
 * the backends are listed in (they are taken in name order), nor on the JVM (no
 * {@code hashCode} of objects, no random seeds), so every balancer builds the same table.
 */
final class MaglevTable {

    private static final long OFFSET_SEED = 0x9e37_79b9_7f4a_7c15L;
    private static final long SKIP_SEED = 0xc2b2_ae3d_27d4_eb4fL;

    private MaglevTable() {}

    /**
     * @param names the backends' names (unique)
     * @param weights their weights, all > 0
     * @param size the table size, a prime larger than the number of backends
     * @return for each slot, the index of its backend in {@code names}
     */
    static int[] build(List<String> names, List<Integer> weights, int size) {
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
        int[] table = buildInOrder(sortedNames, sortedWeights, size);
        for (int s = 0; s < size; s++) {
            table[s] = order[table[s]];
        }
        return table;
    }

    private static int[] buildInOrder(List<String> names, List<Integer> weights, int size) {
        int n = names.size();
        long[] offset = new long[n];
        long[] skip = new long[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            if (weights.get(i) <= 0) {
                throw new IllegalArgumentException("weight of " + names.get(i) + " must be > 0: " + weights.get(i));
            }
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(hash(name, OFFSET_SEED), size);
            skip[i] = Long.remainderUnsigned(hash(name, SKIP_SEED), size - 1) + 1;
            maxWeight = Math.max(maxWeight, weights.get(i));
        }
        int[] quota = new int[n];
        for (Slots.Run run : Slots.partition(weights, size)) {
            quota[run.index()] = run.last() - run.first() + 1;
        }
        int[] table = new int[size];
        Arrays.fill(table, -1);
        long[] next = offset.clone(); // the next slot each backend would like
        int[] claimed = new int[n];
        int filled = 0;
        for (long round = 1; filled < size; round++) {
            for (int i = 0; i < n && filled < size; i++) {
                if (claimed[i] == quota[i] || claimed[i] * maxWeight > round * weights.get(i)) {
                    continue;
                }
                long c = next[i];
                while (table[(int) c] >= 0) {
                    c = advance(c, skip[i], size);
                }
                table[(int) c] = i;
                next[i] = advance(c, skip[i], size);
                claimed[i]++;
                filled++;
            }
        }
        return table;
    }

    private static long advance(long slot, long skip, int size) {
        long c = slot + skip;
        return c >= size ? c - size : c;
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
