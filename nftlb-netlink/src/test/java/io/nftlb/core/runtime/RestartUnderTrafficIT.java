package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A control plane restarted again and again under traffic, each time with other farms than the
 * kernel has (weights changed, a backend added or removed, a farm added or removed), as after a
 * crash or an upgrade. Short connections run through the whole test from several workers and
 * each is checked; long connections opened before the first restart must all still work after
 * the last. Each start reads the kernel's table back, keeps the ids and marks it finds and
 * commits only the difference: no connection may be refused, reset or left unanswered.
 */
@RequiresNetns
class RestartUnderTrafficIT {

    static final String VIP = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 8;
    static final String OTHER_VIP = "10.0.0.41";
    static final int RESTARTS = 30;

    @Test
    void restartsWithChangedFarmsLoseNoConnection() throws Exception {
        try (Topology t = Topology.builder().backends(4).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(VIP);
            t.balancer().addAddress(OTHER_VIP);
            String ns = t.balancer().namespace().name();
            List<Function<Integer, List<Farm>>> variants = List.of(
                    i -> List.of(web(1 + i % 3, false)),
                    i -> List.of(web(2, true)),
                    i -> List.of(web(2, true), other()),
                    i -> List.of(web(1, false), other()),
                    i -> List.of(web(3, false)));
            LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(List.of(web(1, false)))
                    .open();
            List<LongConnection> long_ = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    long_.add(t.client().openLongConnection(VIP, 80));
                }
            } catch (RuntimeException e) {
                long_.forEach(LongConnection::close);
                lb.close();
                throw e;
            }
            try (BackgroundRequests traffic = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(1000)
                    .concurrency(16).inBackground()) {
                awaitSomeTraffic(traffic);
                for (int r = 0; r < RESTARTS; r++) {
                    lb.close(); // the rules stay in the kernel, as after a crash
                    List<Farm> farms = variants.get(r % variants.size()).apply(r);
                    lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(farms).open();
                    assertEquals(farms.size(), lb.farms().size());
                }
                Tally tally = traffic.stop();
                System.out.println("[RestartUnderTrafficIT] " + RESTARTS + " restarts under " + tally.requests()
                        + " connections: " + tally.failed() + " failed " + tally.failuresByReason());
                assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                assertEquals(Map.of(), tally.failuresByReason(), RESTARTS + " restarts: " + tally.failed()
                        + " of " + tally.requests() + " connections failed");
                for (LongConnection c : long_) {
                    assertEquals(c.backend() + " after", c.exchange("after"), "a long connection opened before");
                }
            } finally {
                long_.forEach(LongConnection::close);
                lb.close();
            }
        }
    }

    /** Waits until the traffic has run a little, so that the first restart happens under it. */
    private static void awaitSomeTraffic(BackgroundRequests traffic) throws InterruptedException {
        Thread.sleep(300);
        assertTrue(traffic.isRunning(), "the traffic stopped before the restarts");
    }

    /** Backends b0 and b1 always (the long connections' backends), b2 by weight, b3 only if asked. */
    static Farm web(int b2Weight, boolean withB3) {
        List<Backend> backends = new ArrayList<>(List.of(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"),
                Backend.of("b2", "10.1.0.12").weight(b2Weight)));
        if (withB3) {
            backends.add(Backend.of("b3", "10.1.0.13"));
        }
        return Farm.dnat(VIP).port(80).named("web").weighted(backends.toArray(Backend[]::new));
    }

    static Farm other() {
        return Farm.dnat(OTHER_VIP).port(80).named("other").roundRobin(Backend.of("b3", "10.1.0.13"));
    }
}
