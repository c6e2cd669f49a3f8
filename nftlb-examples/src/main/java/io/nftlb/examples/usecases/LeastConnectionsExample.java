package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.ConnectionCounter;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.netlink.Conntrack;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted least connections (the paper's Figure 4): a daemon counts each backend's
 * connections in conntrack and gives more weight to the less busy, so the weighted map of
 * {@link WeightExample} becomes least connections. Conntrack entries carry the backend's mark,
 * so counting is one ctnetlink dump grouped by mark.
 *
 * <p>Here b0 first holds 16 open connections; the estimator then weighs it down and new
 * connections go to b1.
 */
public final class LeastConnectionsExample {

    /** How many long connections b0 holds while the new ones are made. */
    public static final int HELD = 16;

    private LeastConnectionsExample() {}

    /** The farm: weighted dNAT of VIP:80; the estimator owns the weights. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .weighted(Backend.of("b0", backendAddress(0)), Backend.of("b1", backendAddress(1)));
    }

    /** Connections per backend of a farm, counted in the balancer's conntrack table by mark. */
    public static ConnectionCounter counter(LoadBalancer lb, Conntrack conntrack) {
        return farm -> {
            Map<Long, Long> byMark = conntrack.countByMark();
            Map<String, Long> byBackend = new HashMap<>();
            lb.marks(farm).forEach((backend, mark) -> byBackend.put(backend, byMark.getOrDefault(mark, 0L)));
            return byBackend;
        };
    }

    /** Loads b0 with {@link #HELD} connections, lets the estimator react, then opens 40 new ones. */
    public static Tally run(Lab lab) {
        // Only b0 takes the first connections, so it ends up holding all of them.
        lab.lb().apply(farm().backend("b1", b -> b.weight(0))).join();
        List<LongConnection> held = new ArrayList<>();
        try (Conntrack conntrack = Conntrack.openInNamespace(lab.topology().balancer().namespace().name())) {
            for (int i = 0; i < HELD; i++) {
                held.add(lab.topology().client().openLongConnection(VIP, 80));
            }
            lab.lb().setWeight("web", "b1", 1).join();
            try (HealthMonitor monitor = lab.monitor()
                    .watch(lab.lb().farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.tcp())
                            .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150)))
                    .estimate("web", WeightEstimator.leastConnections(counter(lab.lb(), conntrack)),
                            Duration.ofMillis(200))
                    .build()) {
                monitor.start();
                lab.awaitWeights("web", w -> w.get("b0") * 4 < w.get("b1"), Duration.ofSeconds(10),
                        "the estimator weighing b0 (" + HELD + " connections) below b1");
                return lab.connect(80, 40);
            }
        } finally {
            held.forEach(LongConnection::close);
        }
    }

    public static void main(String[] args) {
        Lab.run("Weighted least connections: b0 holds " + HELD + " connections, new ones go to b1",
                Topology.builder().backends(2), LeastConnectionsExample::run);
    }
}
