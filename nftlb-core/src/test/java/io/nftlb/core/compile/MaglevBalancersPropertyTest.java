package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Two balancers with different histories (other farms, other allocations, so other farm ids
 * and marks) still send every slot of a Maglev farm to the same backend: the table depends on
 * names and weights only; marks are local to a balancer and never cross to another one.
 */
class MaglevBalancersPropertyTest {

    @Property(tries = 20)
    void sameFarmSameBackendPerSlotWhateverTheHistory(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 50) Integer> weights,
            @ForAll @IntRange(min = 0, max = 5) int otherFarms) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            backends.add(Backend.of("b" + i, "10.1." + (i / 200) + "." + (10 + i % 200)).weight(weights.get(i)));
        }
        Farm farm = Farm.dnat("10.0.0.40").port(80).named("mag")
                .scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS)).backends(backends);
        // Balancer A: only this farm. Balancer B: other farms came first, and the backends in another order.
        RulesetCompiler.Compiled a = RulesetCompiler.compile(List.of(farm));
        List<Farm> history = new ArrayList<>();
        for (int k = 0; k < otherFarms; k++) {
            history.add(Farm.dnat("10.0.0." + (50 + k)).port(80).named("other" + k)
                    .weighted(Backend.of("x" + k, "10.1.9." + (10 + k))));
        }
        List<Backend> reversed = new ArrayList<>(backends);
        java.util.Collections.reverse(reversed);
        history.add(farm.backends(reversed));
        RulesetCompiler.Compiled b = RulesetCompiler.compile(history);
        assertEquals(backendPerSlot(a, farm), backendPerSlot(b, farm));
    }

    /** Slot (relative to the farm's slice) to backend name. */
    private static Map<Long, String> backendPerSlot(RulesetCompiler.Compiled c, Farm farm) {
        Ids ids = c.allocation().ids(farm.name());
        Map<Long, String> nameOfMark = new HashMap<>();
        ids.marks().forEach((name, mark) -> nameOfMark.put(mark, name));
        long base = MaglevSlots.base(ids.farmId());
        Map<Long, String> out = new HashMap<>();
        for (Element e : c.parts().get(farm.name()).elements(MaglevSlots.MAP4)) {
            out.put(((Expr.Int) e.key()).value() - base, nameOfMark.get(((Expr.Int) e.data().orElseThrow()).value()));
        }
        return out;
    }
}
