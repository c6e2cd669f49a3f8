package io.nftlb.core.compile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The Maglev paper's fill (NSDI 2016, section 3.4). Each backend has a preference list, the
 * permutation {@code (offset + j * skip) mod M} of the slots, where {@code offset} and
 * {@code skip} come from fixed 64-bit hashes of its name ({@code M} prime, so every
 * {@code skip} in {@code 1..M-1} visits every slot). Backends take turns claiming their next
 * preferred free slot until the table is full.
 *
 * <p>Weights: turns are interleaved in proportion to weight as in Envoy's weighted Maglev: in
 * round {@code t} a backend claims only while {@code claims * maxWeight <= t * weight}, so
 * heavy and light backends fill the table at the same pace and keep their own preferred
 * slots; a backend stops claiming at its quota.
 *
 * <p>Removing a backend also moves slots between the survivors, because every later turn of
 * the race can end differently: measured, up to 2.5% of the table beyond the removed share for
 * fewer than 10 backends, and about 0.5% on average at 100 (docs/maglev.md).
 */
final class PermutationFill {

    private static final long OFFSET_SEED = 0x9e37_79b9_7f4a_7c15L;
    private static final long SKIP_SEED = 0xc2b2_ae3d_27d4_eb4fL;

    private PermutationFill() {}

    /**
     * @param names the backends' names, in the order turns are taken
     * @param weights their weights, all > 0
     * @param quota each backend's number of slots; they add up to the table size
     * @return for each slot, the index of its backend
     */
    static int[] fill(List<String> names, List<Integer> weights, int[] quota) {
        int n = names.size();
        int size = Arrays.stream(quota).sum();
        long[] offset = new long[n];
        long[] skip = new long[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(MaglevTable.hash(name, OFFSET_SEED), size);
            skip[i] = Long.remainderUnsigned(MaglevTable.hash(name, SKIP_SEED), size - 1) + 1;
            maxWeight = Math.max(maxWeight, weights.get(i));
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
}
