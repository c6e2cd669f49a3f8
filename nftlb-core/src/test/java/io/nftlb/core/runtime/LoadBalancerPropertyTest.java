package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Farm;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.FarmGen;
import io.nftlb.core.testing.RulesetModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever users do, and however their calls are batched, the kernel (the in-memory model)
 * ends up holding what the compiler makes of the load balancer's farms: the runtime's
 * per-farm compiles, cached skeletons, reused ids and coalesced plans add up to a full compile.
 */
class LoadBalancerPropertyTest {

    @Property(tries = 150)
    void theKernelHoldsTheCompiledFarms(@ForAll("sequences") List<FarmGen.Action> actions,
                                        @ForAll @IntRange(min = 1, max = 4) int burst) {
        FakeTransport kernel = new FakeTransport();
        try (LoadBalancer lb = LoadBalancer.builder(kernel).coalesce(Duration.ZERO).open()) {
            Map<String, Farm> farms = new LinkedHashMap<>();
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                calls.add(Driver.perform(lb, farms, actions.get(i)));
                if ((i + 1) % burst == 0 || i == actions.size() - 1) {
                    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
                    calls.clear();
                    assertEquals(new HashSet<>(farms.values()), new HashSet<>(lb.farms()));
                    assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())),
                            RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()),
                            "after " + actions.subList(0, i + 1));
                }
            }
        }
    }

    @Provide
    Arbitrary<List<FarmGen.Action>> sequences() {
        return FarmGen.actions().list().ofMinSize(1).ofMaxSize(30);
    }
}
