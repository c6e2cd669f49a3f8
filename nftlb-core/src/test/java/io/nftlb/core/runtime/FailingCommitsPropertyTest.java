package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Farm;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.FarmGen;
import io.nftlb.core.testing.RulesetModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever fails, the runtime's state stays the kernel's: bursts of changes are made while the
 * kernel refuses some commits (so queued changes are applied again or dropped), and after each
 * burst the kernel holds what the load balancer reports, its farms have distinct ids, and the
 * ids held are exactly those farms' (none leaks, none is freed while in use).
 */
class FailingCommitsPropertyTest {

    record Burst(List<FarmGen.Action> actions, boolean refuseFirst) {}

    @Property(tries = 120)
    void theStateIsTheKernelsAndIdsDoNotLeak(@ForAll("bursts") List<Burst> bursts) {
        FakeTransport kernel = new FakeTransport();
        try (LoadBalancer lb = LoadBalancer.builder(kernel).coalesce(Duration.ZERO).open()) {
            for (Burst burst : bursts) {
                Map<String, Farm> farms = new LinkedHashMap<>();
                lb.farms().forEach(f -> farms.put(f.name(), f));
                if (burst.refuseFirst()) {
                    kernel.failNext("ENOMEM");
                }
                List<CompletableFuture<Void>> calls = new ArrayList<>();
                for (FarmGen.Action action : burst.actions()) {
                    try {
                        calls.add(Driver.perform(lb, farms, action));
                    } catch (IllegalArgumentException e) {
                        farms.clear(); // refused at once (the farm was dropped by a failed commit): resync
                        lb.farms().forEach(f -> farms.put(f.name(), f));
                    }
                }
                calls.forEach(c -> c.handle((ok, error) -> null).join());
                assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())),
                        RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
                Set<Integer> ids = lb.farms().stream().map(f -> lb.ids(f.name()).orElseThrow().farmId())
                        .collect(Collectors.toSet());
                assertEquals(lb.farms().size(), ids.size(), "distinct farm ids");
                assertEquals(ids, lb.heldFarmIds(), "the ids held are the committed farms'");
            }
        }
    }

    @Provide
    Arbitrary<List<Burst>> bursts() {
        Arbitrary<Burst> burst = net.jqwik.api.Combinators.combine(
                FarmGen.actions().list().ofMinSize(1).ofMaxSize(6), Arbitraries.of(true, false)).as(Burst::new);
        return burst.list().ofMinSize(1).ofMaxSize(12);
    }
}
