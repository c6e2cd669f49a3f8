package io.nftlb.healthcheck.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The paper's user-space daemon end to end: a TCP check from the balancer's namespace feeds
 * the runtime, and real connections stop reaching a backend whose server stopped, then reach
 * it again when it is back.
 */
@RequiresNetns
class FailoverIT {

    static final String VIP = "10.0.0.40";
    static final Duration INTERVAL = Duration.ofMillis(200);
    static final Duration TIMEOUT = Duration.ofMillis(150);
    static final int FALL = 2;
    static final int RISE = 2;

    @Test
    void aStoppedBackendGetsNoNewConnectionsAndComesBack() throws InterruptedException {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(NftCliTransport.inNamespace(t.balancer().namespace().name()))) {
            t.balancer().addAddress(VIP);
            Farm farm = Farm.dnat(VIP).port(80).named("web")
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
            lb.apply(farm).join();
            try (HealthMonitor monitor = HealthMonitor.builder(BackendStateSink.of(lb))
                    .watch(farm, CheckPolicy.of(HealthCheck.tcp()).interval(INTERVAL).timeout(TIMEOUT)
                            .rise(RISE).fall(FALL))
                    .network(ProbeNetwork.namespace(t.balancer().namespace().name(),
                            t.balancer().namespace().threadFactory()))
                    .build()) {
                monitor.start();
                assertEquals(10, t.client().connectTcp(VIP, 80, 10).answered());

                long stopped = System.nanoTime();
                t.backend(1).stopServers();
                long downMs = waitFor(lb, BackendState.DOWN, stopped);
                Tally during = t.client().connectTcp(VIP, 80, 20);
                assertEquals(20, during.count("b0"), "b1 down after " + downMs + " ms (bound: interval x fall"
                        + " + timeout + a commit); no new connection may reach it: " + during);

                long started = System.nanoTime();
                t.backend(1).startServers();
                long upMs = waitFor(lb, BackendState.UP, started);
                Tally after = t.client().connectTcp(VIP, 80, 20);
                assertEquals(10, after.count("b1"), "b1 up after " + upMs + " ms: round robin again: " + after);
            }
        }
    }

    /**
     * Waits until the runtime has b1's new state and returns the milliseconds it took, for the
     * messages only; after 30 s it gives up so that a broken monitor cannot hang the build (a guard,
     * not a claim about detection time).
     */
    private static long waitFor(LoadBalancer lb, BackendState state, long since) throws InterruptedException {
        long guard = Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - since < guard) {
            if (lb.farm("web").orElseThrow().backend("b1").orElseThrow().state() == state) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("b1 never became " + state + " (gave up after 30 s)");
    }
}
