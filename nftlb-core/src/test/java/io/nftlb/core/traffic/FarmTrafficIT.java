package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each seed use case, proven with real connections through the namespace topology. */
@RequiresNetns
class FarmTrafficIT {

    static final String VIP = "10.0.0.40";

    static Topology topology(int backends, int... ports) {
        Topology t = Topology.builder().backends(backends).returnPath(ReturnPath.VIA_BALANCER)
                .ports(ports.length == 0 ? new int[] {80} : ports).start();
        t.balancer().addAddress(VIP);
        return t;
    }

    static Backend b(int i) {
        return Backend.of("b" + i, "10.1.0." + (10 + i));
    }

    @Test
    void weights100To50SplitTwoToOne() {
        try (Topology t = topology(2)) {
            Apply.farms(t, Farm.dnat(VIP).port(80).weighted(b(0).weight(100), b(1).weight(50)));
            int n = 3000;
            Tally tally = t.client().tcp(VIP, 80).count(n).concurrency(8).run();
            assertEquals(n, tally.answered(), tally.toString());
            // Binomial(n, 2/3): standard deviation sqrt(n * 2/3 * 1/3) ~ 25.8; allow 4.5 sigma.
            double sd = Math.sqrt(n * (2.0 / 3) * (1.0 / 3));
            int b0 = tally.count("b0");
            assertTrue(Math.abs(b0 - n * 2.0 / 3) < 4.5 * sd,
                    "b0 got " + b0 + " of " + n + ", expected 2000 +- " + Math.round(4.5 * sd) + ": " + tally);
        }
    }

    @Test
    void multiportFarmBalancesEachPort() {
        try (Topology t = topology(2, 80, 443)) {
            Apply.farms(t, Farm.dnat(VIP).ports(80, 443).roundRobin(b(0), b(1)));
            for (int port : List.of(80, 443)) {
                Tally tally = t.client().connectTcp(VIP, port, 20);
                assertEquals(Map.of("b0", 10, "b1", 10), tally.countsByBackend(), "port " + port + ": " + tally);
            }
        }
    }

    @Test
    void persistenceKeepsEachClientOnOneBackendUntilTheTtl() throws InterruptedException {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(20)
                .start()) {
            t.balancer().addAddress(VIP);
            Apply.farms(t, Farm.dnat(VIP).port(80).weighted(b(0), b(1)).persistent(Duration.ofSeconds(2)));
            Tally first = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(200).run();
            assertEquals(200, first.answered(), first.toString());
            Map<String, Set<String>> bySource = first.backendsBySource();
            assertEquals(20, bySource.size(), first.toString());
            bySource.forEach((source, backends) ->
                    assertEquals(1, backends.size(), source + " went to " + backends + ": " + first));
            Set<String> used = first.backends();
            assertEquals(Set.of("b0", "b1"), used, "20 clients should spread over both backends: " + first);

            Thread.sleep(3000); // past the 2 s TTL: the remembered choices expire
            Tally second = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(20).run();
            Map<String, Set<String>> after = second.backendsBySource();
            List<String> moved = new ArrayList<>();
            after.forEach((source, backends) -> {
                if (!backends.equals(bySource.get(source))) {
                    moved.add(source);
                }
            });
            // Each client is scheduled anew at random: all 20 landing where they were is 2^-20.
            assertTrue(!moved.isEmpty(), "no client was rescheduled after the TTL: before " + bySource
                    + " after " + after);
        }
    }

    @Test
    void downAndOffBackendsGetNoNewConnections() {
        try (Topology t = topology(3)) {
            Farm farm = Farm.dnat(VIP).port(80).roundRobin(b(0), b(1), b(2));
            Apply.farms(t, farm.backend("b1", x -> x.state(BackendState.DOWN)).backend("b2",
                    x -> x.state(BackendState.OFF)));
            Tally tally = t.client().connectTcp(VIP, 80, 30);
            assertEquals(Map.of("b0", 30), tally.countsByBackend(), tally.toString());
        }
    }

    @Test
    void drainKeepsAnOpenConnectionButTakesNoNewOnes() {
        try (Topology t = topology(2)) {
            Farm farm = Farm.dnat(VIP).port(80).roundRobin(b(0), b(1));
            Apply.farms(t, farm);
            try (LongConnection open = t.client().openLongConnection(VIP, 80)) {
                String drained = open.backend();
                Apply.farms(t, farm.backend(drained, x -> x.state(BackendState.DRAIN)));
                Tally tally = t.client().connectTcp(VIP, 80, 20);
                String other = drained.equals("b0") ? "b1" : "b0";
                assertEquals(Map.of(other, 20), tally.countsByBackend(), "drained " + drained + ": " + tally);
                assertEquals(drained + " still here", open.exchange("still here"),
                        "the drained backend's open connection keeps working");
            }
        }
    }

    @Test
    void aBackupTierServesOnlyWhileEveryPrimaryIsDown() {
        try (Topology t = topology(3)) {
            Farm farm = Farm.dnat(VIP).port(80).weighted(b(0), b(1), b(2).priority(2));
            Apply.farms(t, farm);
            Tally primaries = t.client().connectTcp(VIP, 80, 40);
            assertEquals(0, primaries.count("b2"), "backup served while primaries were up: " + primaries);
            Apply.farms(t, farm.backend("b0", x -> x.state(BackendState.DOWN))
                    .backend("b1", x -> x.state(BackendState.DOWN)));
            Tally backup = t.client().connectTcp(VIP, 80, 20);
            assertEquals(Map.of("b2", 20), backup.countsByBackend(), backup.toString());
        }
    }

    @Test
    void ipv6FarmAlternates() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).ipv6(true).start()) {
            t.balancer().addAddress("fd00::40");
            Apply.farms(t, Farm.dnat("fd00::40").port(80).roundRobin(
                    Backend.of("b0", t.backend(0).address6()), Backend.of("b1", t.backend(1).address6())));
            Tally tally = t.client().connectTcp("fd00::40", 80, 20);
            assertEquals(WalkingSkeletonIT.alternating(20), tally.sequence(), tally.toString());
            assertEquals(Set.of(t.client().address6()), tally.peersByBackend().get("b0"), tally.toString());
        }
    }

    @Test
    void udpFarmAlternatesPerFlow() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).udp(true).start()) {
            t.balancer().addAddress(VIP);
            Apply.farms(t, Farm.dnat(VIP).udp().port(80).roundRobin(b(0), b(1)));
            Tally tally = t.client().sendUdp(VIP, 80, 20);
            assertEquals(WalkingSkeletonIT.alternating(20), tally.sequence(), tally.toString());
        }
    }

    @Test
    void backendPortMapping() {
        try (Topology t = topology(2, 80, 8080)) {
            Apply.farms(t, Farm.dnat(VIP).port(80).roundRobin(b(0).port(8080), b(1).port(8080)));
            t.backend(0).stopServers(); // stops both ports: a mapped connection to b0 would fail
            Tally tally = t.client().connectTcp(VIP, 80, 10);
            assertEquals(5, tally.count("b1"), tally.toString());
            assertEquals(5, tally.failed(), "b0 is stopped, its connections must fail: " + tally);
        }
    }

    @Test
    void hashedFarmKeepsASourceOnOneBackend() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(16)
                .start()) {
            t.balancer().addAddress(VIP);
            Apply.farms(t, Farm.dnat(VIP).port(80).scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS))
                    .backends(b(0), b(1)));
            Tally tally = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(160).run();
            tally.backendsBySource().forEach((source, backends) ->
                    assertEquals(1, backends.size(), source + " went to " + backends + ": " + tally));
            assertEquals(Set.of("b0", "b1"), tally.backends(), "16 sources should hash over both: " + tally);
        }
    }
}
