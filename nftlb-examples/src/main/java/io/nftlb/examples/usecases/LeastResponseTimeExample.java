package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;

/**
 * Weighted least response (the paper's Figure 5): the health checks time each backend's
 * answer, and the estimator gives less weight to the slower ones. Here b1 answers 60 ms late,
 * so most new connections go to b0.
 */
public final class LeastResponseTimeExample {

    /** How late b1 answers. */
    public static final Duration DELAY = Duration.ofMillis(60);

    private LeastResponseTimeExample() {}

    /** The farm: weighted dNAT of VIP:80; the estimator owns the weights. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .weighted(Backend.of("b0", backendAddress(0)), Backend.of("b1", backendAddress(1)));
    }

    /** Slows b1 down, lets the estimator react, then opens 60 new connections. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        lab.topology().backend(1).greetingDelay(DELAY);
        // The check waits for the backend's greeting, so it times the answer, not just the handshake.
        try (HealthMonitor monitor = lab.monitor()
                .watch(lab.lb().farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.tcpBanner("^b[0-9]+ "))
                        .interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(500)))
                .estimate("web", WeightEstimator.leastResponseTime(), Duration.ofMillis(200))
                .build()) {
            monitor.start();
            lab.awaitWeights("web", w -> w.get("b1") * 4 < w.get("b0"), Duration.ofSeconds(15),
                    "the estimator weighing the slow b1 below b0");
            return lab.connect(80, 60);
        }
    }

    public static void main(String[] args) {
        Lab.run("Weighted least response: b1 answers " + DELAY.toMillis() + " ms late, new connections favour b0",
                Topology.builder().backends(2), LeastResponseTimeExample::run);
    }
}
