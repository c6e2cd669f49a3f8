package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A farm with flow offload through the runtime. Whether this kernel has flowtables
 * ({@code CONFIG_NF_FLOW_TABLE}) is decided by {@link KernelFeature}, not by the transport's
 * error. With them, the flowtable, its set and rule are installed, and a second farm on the same
 * device adds elements only. Without them, the change is refused whole with an error that names
 * the feature, the kernel and the load balancer stay as they were and it goes on serving changes;
 * then the test skips, with the evidence as the reason.
 */
@RequiresNetns
class FlowOffloadIT {

    static final Farm OFFLOADED = Farm.snat("10.0.0.70").port(80).named("fast").offload("lo")
            .weighted(Backend.of("f1", "10.1.0.70"));

    @Test
    void anOffloadingFarmLoadsOrIsRefusedWholeNamingTheFeature(NetworkNamespace ns) {
        KernelFeature.Evidence flowtables = KernelFeature.NF_FLOW_TABLE.evidence();
        try (LoadBalancer lb = LoadBalancer.builder(NftCliTransport.inNamespace(ns.name())).open()) {
            lb.apply(LoadBalancerUpdateTest.WEB).join();
            String before = ns.listRuleset();
            if (flowtables.present()) {
                lb.apply(OFFLOADED).join();
                String ruleset = ns.listRuleset();
                assertTrue(ruleset.contains("flowtable fastpath") && ruleset.contains("flow add @fastpath"), ruleset);
                lb.apply(OFFLOADED.named("fast2").port(8080)).join();
                assertTrue(ns.listRuleset().contains("10.0.0.70") && ns.listRuleset().contains("8080"),
                        ns.listRuleset());
                return;
            }
            CompletionException e = assertThrows(CompletionException.class, () -> lb.apply(OFFLOADED).join(),
                    flowtables.summary());
            TransportException t = assertInstanceOf(TransportException.class, e.getCause());
            assertTrue(t.getMessage().contains("CONFIG_NF_FLOW_TABLE"), "the error names the kernel feature: "
                    + t.getMessage());
            assertEquals(before, ns.listRuleset(), "the refused change left the kernel as it was");
            assertEquals(List.of(LoadBalancerUpdateTest.WEB), lb.farms(), "and the load balancer's farms");
            lb.apply(LoadBalancerUpdateTest.DNS).join(); // and it goes on serving changes
            assertTrue(ns.listRuleset().contains("10.0.0.53"), ns.listRuleset());
            Assumptions.abort(flowtables.summary());
        }
    }
}
