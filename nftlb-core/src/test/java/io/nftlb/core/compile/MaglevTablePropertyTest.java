package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Scheduler.Maglev.Fill;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The claims of docs/maglev.md about the table, at the default size 65,537 and up to 100 backends. */
class MaglevTablePropertyTest {

    private static final int M = 65_537;

    private static List<String> names(int n, int salt) {
        return IntStream.range(0, n).mapToObj(i -> "b" + salt + "-" + i).toList();
    }

    private static long[] counts(int[] table, int n) {
        long[] c = new long[n];
        for (int b : table) {
            c[b]++;
        }
        return c;
    }

    /** Each backend's slots are within 1% of its exact weight share (at least one slot of rounding). */
    @Property(tries = 50)
    void balancedWithinOnePercent(@ForAll @Size(min = 1, max = 100) List<@IntRange(min = 1, max = 100) Integer> weights,
                                  @ForAll @IntRange(min = 0, max = 1000) int salt, @ForAll Fill fill) {
        int[] table = MaglevTable.build(names(weights.size(), salt), weights, M, fill);
        long total = weights.stream().mapToLong(Integer::longValue).sum();
        long[] c = counts(table, weights.size());
        for (int i = 0; i < weights.size(); i++) {
            double exact = (double) M * weights.get(i) / total;
            assertTrue(Math.abs(c[i] - exact) <= Math.max(0.01 * exact, 1.0),
                    "backend " + i + " has " + c[i] + " slots, exact share " + exact);
        }
    }

    /**
     * Removing one of N backends moves at most 1/N + 1% of the slots (the removed
     * backend's share + 1% with weights). The default fill keeps this with margin (measured:
     * at most about 0.45%); the paper's permutation fill does not for small N (up to 2.5%
     * measured), so it is held to 5%, what it keeps in every case seen (docs/maglev.md).
     */
    private static double excessAllowed(Fill fill) {
        return fill == Fill.BOUNDED_RENDEZVOUS ? 0.01 : 0.05;
    }

    /** Removing one of N equal backends moves at most 1/N of the slots plus {@link #excessAllowed}. */
    @Property(tries = 50)
    void removingOneMovesLittle(@ForAll @IntRange(min = 2, max = 100) int n, @ForAll @IntRange(min = 0, max = 99) int gone,
                                @ForAll @IntRange(min = 0, max = 1000) int salt, @ForAll Fill fill) {
        int removed = gone % n;
        List<String> all = names(n, salt);
        List<String> rest = new ArrayList<>(all);
        rest.remove(removed);
        int[] before = MaglevTable.build(all, ones(n), M, fill);
        int[] after = MaglevTable.build(rest, ones(n - 1), M, fill);
        long moved = moved(before, all, after, rest);
        assertTrue(moved <= M / (double) n + excessAllowed(fill) * M,
                fill + ": " + moved + " of " + M + " slots moved removing 1 of " + n);
    }

    /** The same with weights: at most the removed backend's share plus {@link #excessAllowed}. */
    @Property(tries = 50)
    void removingOneWeightedMovesLittle(
            @ForAll @Size(min = 2, max = 100) List<@IntRange(min = 1, max = 100) Integer> weights,
            @ForAll @IntRange(min = 0, max = 99) int gone, @ForAll @IntRange(min = 0, max = 1000) int salt,
            @ForAll Fill fill) {
        int removed = gone % weights.size();
        List<String> all = names(weights.size(), salt);
        List<String> rest = new ArrayList<>(all);
        rest.remove(removed);
        List<Integer> restWeights = new ArrayList<>(weights);
        restWeights.remove(removed);
        int[] before = MaglevTable.build(all, weights, M, fill);
        int[] after = MaglevTable.build(rest, restWeights, M, fill);
        long total = weights.stream().mapToLong(Integer::longValue).sum();
        double share = (double) weights.get(removed) / total;
        long moved = moved(before, all, after, rest);
        assertTrue(moved <= (share + excessAllowed(fill)) * M,
                fill + ": " + moved + " of " + M + " slots moved, removed share " + share);
    }

    /** The table does not depend on the order the backends are listed in: slot by slot, the same backend. */
    @Property(tries = 20)
    void orderOfBackendsDoesNotMatter(@ForAll @Size(min = 1, max = 100) List<@IntRange(min = 1, max = 100) Integer> weights,
                                      @ForAll @IntRange(min = 0, max = 1000) int salt, @ForAll Fill fill) {
        List<String> names = names(weights.size(), salt);
        List<String> reversedNames = new ArrayList<>(names);
        java.util.Collections.reverse(reversedNames);
        List<Integer> reversedWeights = new ArrayList<>(weights);
        java.util.Collections.reverse(reversedWeights);
        int[] a = MaglevTable.build(names, weights, M, fill);
        int[] b = MaglevTable.build(reversedNames, reversedWeights, M, fill);
        for (int s = 0; s < M; s++) {
            if (!names.get(a[s]).equals(reversedNames.get(b[s]))) {
                throw new AssertionError("slot " + s + ": " + names.get(a[s]) + " vs " + reversedNames.get(b[s]));
            }
        }
    }

    /** Two tables built independently from equal inputs are identical. */
    @Property(tries = 50)
    void buildsAreIdentical(@ForAll @Size(min = 1, max = 100) List<@IntRange(min = 1, max = 10_000) Integer> weights,
                            @ForAll @IntRange(min = 0, max = 1000) int salt, @ForAll Fill fill) {
        List<String> a = names(weights.size(), salt);
        List<String> b = List.copyOf(new ArrayList<>(a));
        assertArrayEquals(MaglevTable.build(a, List.copyOf(weights), M, fill), MaglevTable.build(b, weights, M, fill));
    }

    private static List<Integer> ones(int n) {
        return IntStream.range(0, n).mapToObj(i -> 1).toList();
    }

    private static long moved(int[] before, List<String> beforeNames, int[] after, List<String> afterNames) {
        long moved = 0;
        for (int s = 0; s < before.length; s++) {
            if (!beforeNames.get(before[s]).equals(afterNames.get(after[s]))) {
                moved++;
            }
        }
        return moved;
    }
}
