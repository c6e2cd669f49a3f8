package io.nftlb.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.ConnectionCounter;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.netlink.Conntrack;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Weighted least connections, all modules together: conntrack counts per backend mark
 * (netlink) feed the least-connections estimator (healthcheck), whose weights the runtime
 * commits (core); new connections then go away from the backend holding many open ones.
 */
@RequiresNetns
class LeastConnectionsIT {

    static final String VIP = "10.0.0.40";

    @Test
    void newConnectionsAvoidTheBusyBackend() throws InterruptedException {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(NetlinkTransport.openInNamespace(t.balancer().namespace().name()));
             Conntrack conntrack = Conntrack.openInNamespace(t.balancer().namespace().name())) {
            t.balancer().addAddress(VIP);
            // First only b0 takes connections: it ends up holding 16 open ones.
            Farm farm = Farm.dnat(VIP).port(80).named("web")
                    .weighted(Backend.of("b0", "10.1.0.10").weight(100), Backend.of("b1", "10.1.0.11").weight(0));
            lb.apply(farm).join();
            List<LongConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    open.add(t.client().openLongConnection(VIP, 80));
                }
                assertTrue(open.stream().allMatch(c -> c.backend().equals("b0")), open.toString());
                lb.setWeight("web", "b1", 100).join();

                ConnectionCounter counter = name -> {
                    Map<Long, Long> byMark = conntrack.countByMark();
                    Map<String, Long> byBackend = new HashMap<>();
                    lb.marks(name).forEach((backend, mark) -> byBackend.put(backend, byMark.getOrDefault(mark, 0L)));
                    return byBackend;
                };
                try (HealthMonitor monitor = HealthMonitor.builder(BackendStateSink.of(lb))
                        .watch(lb.farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.tcp())
                                .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150)))
                        .estimate("web", WeightEstimator.leastConnections(counter), Duration.ofMillis(200))
                        .network(ProbeNetwork.namespace(t.balancer().namespace().name(),
                                t.balancer().namespace().threadFactory()))
                        .build()) {
                    monitor.start();
                    Map<String, Integer> weights = waitForWeights(lb);
                    Tally tally = t.client().connectTcp(VIP, 80, 40);
                    assertEquals(40, tally.answered(), tally.toString());
                    assertTrue(tally.count("b1") > 3 * tally.count("b0"),
                            "b0 holds 16 connections, so b1 should take most new ones; weights " + weights
                                    + ", counts " + counter.countByBackend("web") + ": " + tally);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }

    /** Waits (bounded) until the estimator has moved b0's weight well below b1's. */
    private static Map<String, Integer> waitForWeights(LoadBalancer lb) throws InterruptedException {
        Map<String, Integer> weights = Map.of();
        for (int i = 0; i < 100; i++) {
            Farm f = lb.farm("web").orElseThrow();
            weights = Map.of("b0", f.backend("b0").orElseThrow().weight(), "b1", f.backend("b1").orElseThrow().weight());
            if (weights.get("b0") * 4 < weights.get("b1")) {
                return weights;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the estimator never favoured b1 within 10 s: weights " + weights);
    }
}
