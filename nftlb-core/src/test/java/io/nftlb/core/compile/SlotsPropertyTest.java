package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SlotsPropertyTest {

    @Property
    void everySlotIsGivenExactlyOnceAndSharesFollowWeights(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 10_000) Integer> weights) {
        long total = weights.stream().mapToLong(Integer::longValue).sum();
        Assume.that(total > 0);
        int slots = RulesetCompiler.SLOTS;
        List<Slots.Run> runs = Slots.partition(weights, slots);
        int next = 0;
        long[] share = new long[weights.size()];
        for (Slots.Run r : runs) {
            assertEquals(next, r.first(), "runs must be contiguous: " + runs);
            assertTrue(r.last() >= r.first());
            share[r.index()] += r.last() - r.first() + 1;
            next = r.last() + 1;
        }
        assertEquals(slots, next, "runs must cover the table exactly");
        for (int i = 0; i < weights.size(); i++) {
            double exact = (double) weights.get(i) * slots / total;
            assertTrue(Math.abs(share[i] - exact) < 1.0,
                    "backend " + i + " weight " + weights.get(i) + " got " + share[i] + " slots, exact " + exact);
        }
    }
}
