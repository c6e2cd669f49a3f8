package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A farm with flow offload through the runtime: on a kernel without flowtables
 * ({@code CONFIG_NF_FLOW_TABLE}, as this project's CI kernel) the change is refused whole with an
 * error that names the feature, and the kernel and the load balancer stay as they were; only then
 * is the rest skipped, for that reason. On a kernel with flowtables the flowtable, its set and rule
 * are installed, and a second farm on the same device adds elements only.
 */
@RequiresNetns
class FlowOffloadIT {

    static final Farm OFFLOADED = Farm.snat("10.0.0.70").port(80).named("fast").offload("lo")
            .weighted(Backend.of("f1", "10.1.0.70"));

    @Test
    void anOffloadingFarmLoadsOrNamesTheMissingKernelFeature(NetworkNamespace ns) {
        try (LoadBalancer lb = LoadBalancer.builder(NftCliTransport.inNamespace(ns.name())).open()) {
            lb.apply(LoadBalancerUpdateTest.WEB).join();
            String before = ns.listRuleset();
            boolean applied;
            try {
                lb.apply(OFFLOADED).join();
                applied = true;
            } catch (CompletionException e) {
                TransportException t = assertInstanceOf(TransportException.class, e.getCause());
                assertTrue(t.getMessage().contains("CONFIG_NF_FLOW_TABLE"), "the error names the kernel feature: "
                        + t.getMessage());
                assertEquals(before, ns.listRuleset(), "the refused change left the kernel as it was");
                assertEquals(List.of(LoadBalancerUpdateTest.WEB), lb.farms(), "and the load balancer's farms");
                lb.apply(LoadBalancerUpdateTest.DNS).join(); // and it goes on serving changes
                assertTrue(ns.listRuleset().contains("10.0.0.53"), ns.listRuleset());
                applied = false;
            }
            assumeTrue(applied, "this kernel lacks CONFIG_NF_FLOW_TABLE: the flowtable cannot be installed");
            String ruleset = ns.listRuleset();
            assertTrue(ruleset.contains("flowtable fastpath") && ruleset.contains("flow add @fastpath"), ruleset);
            lb.apply(OFFLOADED.named("fast2").port(8080)).join();
            assertTrue(ns.listRuleset().contains("flow add @fastpath"), ns.listRuleset());
        }
    }
}
