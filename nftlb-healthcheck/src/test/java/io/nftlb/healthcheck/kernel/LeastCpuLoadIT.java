package io.nftlb.healthcheck.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.SnmpAgent;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Least CPU load with real agents: each backend namespace runs Debian's snmpd. Namespaces share
 * the host's CPU, so each agent is configured ({@code override}) to report its own idle share,
 * as two differently loaded hosts would: the weights the runtime commits follow the loads, and
 * so do real new connections.
 */
@RequiresNetns
class LeastCpuLoadIT {

    static final String VIP = "10.0.0.40";

    @Test
    void weightsAndConnectionsFollowTheReportedLoad() throws InterruptedException {
        List<SnmpAgent> agents = new ArrayList<>();
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(NftCliTransport.inNamespace(t.balancer().namespace().name()))) {
            int[] idlePercent = {90, 20}; // b0 lightly loaded, b1 busy
            for (int i = 0; i < 2; i++) {
                agents.add(SnmpAgent.start(t.backend(i).namespace(), t.backend(i).address(), idlePercent[i]));
            }
            t.balancer().addAddress(VIP);
            lb.apply(Farm.dnat(VIP).port(80).named("web")
                    .weighted(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"))).join();
            try (HealthMonitor monitor = HealthMonitor.builder(BackendStateSink.of(lb))
                    .watch(lb.farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.snmp("public")).port(161)
                            .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(500)).fall(10))
                    .estimate("web", WeightEstimator.leastCpuLoad(), Duration.ofMillis(200))
                    .network(ProbeNetwork.namespace(t.balancer().namespace().name(),
                            t.balancer().namespace().threadFactory()))
                    .build()) {
                monitor.start();
                Map<String, Integer> weights = waitUntilB0Leads(lb);
                Tally tally = t.client().tcp(VIP, 80).count(60).concurrency(4).run();
                assertEquals(60, tally.answered(), tally.toString());
                assertTrue(tally.count("b0") > 2 * tally.count("b1"), "b0 reports 10% load and b1 80%; weights "
                        + weights + ": " + tally);
            }
        } finally {
            agents.forEach(SnmpAgent::close);
        }
    }

    /** Waits (bounded) until the committed weights favour the lightly loaded b0 clearly. */
    private static Map<String, Integer> waitUntilB0Leads(LoadBalancer lb) throws InterruptedException {
        Map<String, Integer> weights = Map.of();
        for (int i = 0; i < 150; i++) {
            Farm f = lb.farm("web").orElseThrow();
            weights = Map.of("b0", f.backend("b0").orElseThrow().weight(), "b1", f.backend("b1").orElseThrow().weight());
            if (weights.get("b1") * 3 < weights.get("b0")) {
                return weights;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the weights never followed the reported loads within 15 s: " + weights);
    }
}
