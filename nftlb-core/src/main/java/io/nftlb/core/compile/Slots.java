package io.nftlb.core.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table of slots among backends in proportion to their weights (largest remainder
 * method): every slot is given exactly once, and each share differs from the exact weight
 * share by less than one slot.
 */
final class Slots {

    private Slots() {}

    /** An inclusive run of slots {@code [first, last]} given to backend {@code index}. */
    record Run(int index, int first, int last) {}

    /**
     * @param weights the weights, all >= 0, at least one > 0
     * @param slots the table size
     * @return one run per backend with a non-empty share, in backend order, covering [0, slots)
     */
    static List<Run> partition(List<Integer> weights, int slots) {
        long total = weights.stream().mapToLong(Integer::longValue).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("no positive weight in " + weights);
        }
        int n = weights.size();
        int[] share = new int[n];
        long[] remainder = new long[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            long exact = (long) weights.get(i) * slots;
            share[i] = (int) (exact / total);
            remainder[i] = exact % total;
            given += share[i];
        }
        // Hand the slots left over to the largest remainders; ties go to the earlier backend.
        for (int left = slots - given; left > 0; left--) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (weights.get(i) > 0 && (best < 0 || remainder[i] > remainder[best])) {
                    best = i;
                }
            }
            share[best]++;
            remainder[best] = -1;
        }
        List<Run> runs = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (share[i] > 0) {
                runs.add(new Run(i, next, next + share[i] - 1));
                next += share[i];
            }
        }
        return runs;
    }
}
