package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.testkit.SnmpAgent;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;

/**
 * Weighted least CPU load (the paper's Figure 6): SNMP checks read each backend's CPU load and
 * the estimator gives more weight to the idler ones. Each backend runs Debian's {@code snmpd};
 * b0 reports 90% idle and b1 20%, so most new connections go to b0.
 */
public final class LeastCpuLoadExample {

    /** The idle CPU share each backend's agent reports, in percent. */
    static final int[] IDLE_PERCENT = {90, 20};

    private LeastCpuLoadExample() {}

    /** The farm: weighted dNAT of VIP:80; the estimator owns the weights. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .weighted(Backend.of("b0", backendAddress(0)), Backend.of("b1", backendAddress(1)));
    }

    /** Starts the agents, lets the estimator react, then opens 60 new connections. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        try (SnmpAgent a0 = agent(lab, 0); SnmpAgent a1 = agent(lab, 1);
             HealthMonitor monitor = lab.monitor()
                     .watch(lab.lb().farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.snmp("public")).port(161)
                             .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(500)).fall(10))
                     .estimate("web", WeightEstimator.leastCpuLoad(), Duration.ofMillis(200))
                     .build()) {
            monitor.start();
            lab.awaitWeights("web", w -> w.get("b1") * 3 < w.get("b0"), Duration.ofSeconds(15),
                    "the weights following the reported loads");
            return lab.connect(80, 60);
        }
    }

    private static SnmpAgent agent(Lab lab, int backend) {
        return SnmpAgent.start(lab.topology().backend(backend).namespace(), lab.topology().backend(backend).address(),
                IDLE_PERCENT[backend]);
    }

    public static void main(String[] args) {
        Lab.run("Weighted least CPU load: b0 reports " + (100 - IDLE_PERCENT[0]) + "% load, b1 "
                + (100 - IDLE_PERCENT[1]) + "%", Topology.builder().backends(2), LeastCpuLoadExample::run);
    }
}
