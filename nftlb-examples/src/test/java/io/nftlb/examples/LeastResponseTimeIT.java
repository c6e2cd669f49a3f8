package io.nftlb.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Least response time with real servers: a backend made slow to answer is weighed down by the
 * estimator, and the runtime sends it fewer new connections.
 */
@RequiresNetns
class LeastResponseTimeIT {

    static final String VIP = "10.0.0.40";

    @Test
    void aSlowBackendGetsFewerNewConnections() throws InterruptedException {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))) {
            t.balancer().addAddress(VIP);
            lb.apply(Farm.dnat(VIP).port(80).named("web")
                    .weighted(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"))).join();
            t.backend(1).greetingDelay(Duration.ofMillis(60));
            try (HealthMonitor monitor = HealthMonitor.builder(BackendStateSink.of(lb))
                    .watch(lb.farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.tcpBanner("^b[0-9]+ "))
                            .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(500)))
                    .estimate("web", WeightEstimator.leastResponseTime(), Duration.ofMillis(200))
                    .network(ProbeNetwork.namespace(t.balancer().namespace().name(),
                            t.balancer().namespace().threadFactory()))
                    .build()) {
                monitor.start();
                Map<String, Integer> weights = waitUntilB1Weighs(lb);
                Tally tally = t.client().tcp(VIP, 80).count(60).concurrency(4).run();
                assertEquals(60, tally.answered(), tally.toString());
                assertTrue(tally.count("b0") > 2 * tally.count("b1"),
                        "b1 answers 60 ms late, so b0 should take most new connections; weights " + weights
                                + ": " + tally);
            }
        }
    }

    /** Waits (bounded) until the estimator has weighed the slow b1 well below b0. */
    private static Map<String, Integer> waitUntilB1Weighs(LoadBalancer lb) throws InterruptedException {
        Map<String, Integer> weights = Map.of();
        for (int i = 0; i < 150; i++) {
            Farm f = lb.farm("web").orElseThrow();
            weights = Map.of("b0", f.backend("b0").orElseThrow().weight(), "b1", f.backend("b1").orElseThrow().weight());
            if (weights.get("b1") * 4 < weights.get("b0")) {
                return weights;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the estimator never weighed b1 down within 15 s: weights " + weights);
    }
}
