package io.nftlb.core.compile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Bounded rendezvous hashing: every slot ranks the backends by a score hashed from the pair
 * (weighted rendezvous, Schindelhauer and Schomaker 2005: the smallest {@code -ln(u) / weight},
 * with {@code u} uniform in (0, 1) from the hash), and slots, taken in a fixed pseudo-random
 * order, go to their best-ranked backend that is still below its quota.
 *
 * <p>Why: without quotas, rendezvous hashing is minimally disruptive (removing a backend moves
 * exactly its own slots) but balanced only statistically (about 4% spread per backend at 100
 * backends). The quotas make the shares exact; what a removal moves beyond the removed
 * backend's slots is then only the few slots whose first choice was full before and is not
 * any more. Measured (docs/maglev.md): at most about 0.45% of the table beyond the removed
 * share for 2..100 backends, equal or random weights, where the paper's fill reached 2.5%.
 *
 * <p>Cost: {@code O(slots x backends)} 64-bit mixes, and few logarithms: backends of equal
 * weight compare by their hash alone (which orders them the same way), and a cheap bound rules
 * most other groups out. Every balancer must build the same table, so the final choice never rests on a
 * last-bit difference between JVMs (see {@link #decide}).
 */
final class RendezvousFill {

    private static final long BACKEND_SEED = 0x7265_6e64_657a_766fL; // "rendezvo"
    private static final long SLOT_MULTIPLIER = 0x9e37_79b9_7f4a_7c15L;
    /** Relative distance within which fast scores are too close to call (errors are ~1e-16). */
    private static final double CLOSE = 1e-9;

    private RendezvousFill() {}

    /**
     * @param names the backends' names, sorted (ties go to the earlier one)
     * @param weights their weights, all > 0
     * @param quota each backend's number of slots; they add up to the table size
     * @return for each slot, the index of its backend
     */
    static int[] fill(List<String> names, List<Integer> weights, int[] quota) {
        int n = names.size();
        int size = Arrays.stream(quota).sum();
        long[] id = new long[n];
        for (int i = 0; i < n; i++) {
            id[i] = MaglevTable.hash(names.get(i).getBytes(StandardCharsets.UTF_8), BACKEND_SEED);
        }
        int[][] groups = byWeight(weights);
        int[] left = quota.clone();
        int[] table = new int[size];
        int[] tops = new int[groups.length];
        long[] topHashes = new long[groups.length];
        double[] scores = new double[groups.length];
        for (int slot : slotOrder(size)) {
            long slotKey = mix(slot * SLOT_MULTIPLIER + 1);
            double bestScore = Double.POSITIVE_INFINITY;
            for (int g = 0; g < groups.length; g++) {
                // Within equal weights the largest hash has the smallest score: one log per group.
                int top = -1;
                long topHash = 0;
                for (int i : groups[g]) {
                    if (left[i] == 0) {
                        continue;
                    }
                    long h = mix(id[i] ^ slotKey);
                    if (top < 0 || Long.compareUnsigned(h, topHash) > 0) {
                        top = i;
                        topHash = h;
                    }
                }
                tops[g] = top;
                topHashes[g] = topHash;
                scores[g] = Double.POSITIVE_INFINITY;
                if (top >= 0) {
                    // -ln(u) >= 1 - u: a top whose bound already loses needs no logarithm.
                    double u = uniform(topHash);
                    double w = weights.get(top);
                    if ((1 - u) / w <= bestScore * (1 + CLOSE)) {
                        scores[g] = -Math.log(u) / w;
                        bestScore = Math.min(bestScore, scores[g]);
                    }
                }
            }
            int best = decide(tops, topHashes, scores, bestScore, weights);
            table[slot] = best;
            left[best]--;
        }
        return table;
    }

    /**
     * The group top with the smallest score. {@link Math#log} is fast but may differ between
     * JVMs in the last bit; {@link StrictMath#log} is the same everywhere. Both are within an
     * ulp or two of the exact value, so only tops whose fast scores are within {@link #CLOSE}
     * of the best can be the exact winner: those are decided by their strict scores, which
     * makes the choice the same on every JVM.
     */
    private static int decide(int[] tops, long[] topHashes, double[] scores, double bestScore, List<Integer> weights) {
        int best = -1;
        double bestStrict = Double.POSITIVE_INFINITY;
        for (int g = 0; g < tops.length; g++) {
            if (tops[g] < 0 || scores[g] > bestScore * (1 + CLOSE)) {
                continue;
            }
            double strict = -StrictMath.log(uniform(topHashes[g])) / weights.get(tops[g]);
            if (best < 0 || strict < bestStrict || (strict == bestStrict && tops[g] < best)) {
                best = tops[g];
                bestStrict = strict;
            }
        }
        return best;
    }

    /** A hash as a number uniform in (0, 1), never 0 or 1. */
    private static double uniform(long hash) {
        return ((hash >>> 11) + 0.5) / 0x1p53;
    }

    /**
     * Backend indexes grouped by weight, heaviest first (their tops tend to win, which lets
     * the bound skip most logarithms of the lighter ones), each group in index order.
     */
    private static int[][] byWeight(List<Integer> weights) {
        TreeMap<Integer, int[]> groups = new TreeMap<>(Comparator.reverseOrder());
        for (int i = 0; i < weights.size(); i++) {
            int[] g = groups.getOrDefault(weights.get(i), new int[0]);
            int[] grown = Arrays.copyOf(g, g.length + 1);
            grown[g.length] = i;
            groups.put(weights.get(i), grown);
        }
        return groups.values().toArray(int[][]::new);
    }

    /**
     * The order slots are given out in: by a hash of the slot number, the same whatever the
     * backends, so that the slots that find their first choice full are spread over the table.
     */
    private static int[] slotOrder(int size) {
        long[] keyed = new long[size];
        for (int s = 0; s < size; s++) {
            // 39 bits of the hash above the slot number (< 2^24), which makes keys unique.
            keyed[s] = ((mix(s * SLOT_MULTIPLIER) >>> 25) << 24) | s;
        }
        Arrays.sort(keyed); // non-negative: the top bit is clear after the shift
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = (int) (keyed[i] & 0xff_ffff);
        }
        return order;
    }

    /** murmur3's 64-bit finalizer. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        h *= 0xc4ce_b9fe_1a85_ec53L;
        h ^= h >>> 33;
        return h;
    }
}
