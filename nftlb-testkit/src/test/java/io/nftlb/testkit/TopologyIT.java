package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netns.internal.Netns;
import io.nftlb.testkit.internal.NamespaceRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real traffic through the client / balancer / backends topology. */
@RequiresNetns
class TopologyIT {
    private static final String MASQUERADE = """
            table ip t {
              chain post { type nat hook postrouting priority srcnat; masquerade; }
            }
            """;

    private String workerNamespace;

    @BeforeEach
    void recordWorkerNamespace() {
        workerNamespace = Netns.currentThreadNamespace();
    }

    @AfterEach
    void workerNamespaceNeverChanges() {
        assertEquals(workerNamespace, Netns.currentThreadNamespace());
    }

    @Test
    void viaTheBalancerTheClientReachesEachBackendWhichSeesTheClientAddress() {
        try (Topology topology = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start()) {
            for (BackendHost backend : topology.backends()) {
                Tally tally = topology.client().connectTcp(backend.address(), 80, 3);

                assertEquals(Map.of(backend.name(), 3), tally.countsByBackend(), tally.toString());
                assertEquals(Map.of(backend.name(), Set.of("10.0.0.2")), tally.peersByBackend(), tally.toString());
            }
        }
    }

    @Test
    void withoutAReturnPathOnlyMasqueradeWorksAndBackendsSeeTheBalancer() {
        try (Topology topology = Topology.builder().backends(2).returnPath(ReturnPath.NONE).start()) {
            Tally direct = topology.client().tcp("10.1.0.10", 80).connectTimeout(Duration.ofMillis(500)).run();
            assertEquals(Map.of(FailureReason.CONNECT_TIMEOUT, 1), direct.failuresByReason(), direct.toString());

            topology.balancer().namespace().nft(MASQUERADE);
            Tally masqueraded = topology.client().connectTcp("10.1.0.10", 80, 2);

            assertEquals(Map.of("b0", Set.of("10.1.0.1")), masqueraded.peersByBackend(), masqueraded.toString());
            assertEquals(2, masqueraded.answered(), masqueraded.toString());
        }
    }

    @Test
    void udpIsAnsweredWithThePeerTheBackendSaw() {
        try (Topology topology = Topology.builder().backends(2).udp(true).start()) {
            Tally v4 = topology.client().sendUdp("10.1.0.11", 80, 3);
            Tally v6 = topology.client().sendUdp("fd00:1::11", 80, 3);

            assertEquals(Map.of("b1", Set.of("10.0.0.2")), v4.peersByBackend(), v4.toString());
            assertEquals(3, v4.answered(), v4.toString());
            assertEquals(Map.of("b1", Set.of("fd00::2")), v6.peersByBackend(), v6.toString());
            assertEquals(3, v6.answered(), v6.toString());
            // A new source port per request, never one the client used before: each one is a new
            // conntrack flow. 300 random ephemeral ports would collide about four times in five.
            Tally all = v4.plus(topology.client().sendUdp("10.1.0.11", 80, 150))
                    .plus(topology.client().sendUdp("10.1.0.11", 80, 147));
            assertEquals(300, all.answered(), all.toString());
            assertEquals(300, all.outcomes().stream().map(o -> ((Tally.Answered) o).peerPort()).distinct().count());
        }
    }

    @Test
    void ipv6WorksThroughTheBalancer() {
        try (Topology topology = Topology.builder().backends(2).start()) {
            Tally tally = topology.client().connectTcp(topology.backend(0).address6(), 80, 3);

            assertEquals("fd00:1::10", topology.backend(0).address6());
            assertEquals(Map.of("b0", Set.of("fd00::2")), tally.peersByBackend(), tally.toString());
            assertEquals(3, tally.answered(), tally.toString());
        }
    }

    @Test
    void aStoppedBackendRefusesAndComesBackWhenStarted() {
        try (Topology topology = Topology.builder().backends(2).udp(true).start()) {
            BackendHost b1 = topology.backend(1);
            b1.stopServers();

            Tally tcp = topology.client().connectTcp(b1.address(), 80, 2);
            Tally udp = topology.client().sendUdp(b1.address(), 80, 2);
            assertFalse(b1.serversRunning());
            assertEquals(Map.of(FailureReason.REFUSED, 2), tcp.failuresByReason(), tcp.toString());
            assertEquals(Map.of(FailureReason.REFUSED, 2), udp.failuresByReason(), udp.toString());
            assertEquals(2, topology.client().connectTcp(topology.backend(0).address(), 80, 2).answered(),
                    "the other backend is unaffected");

            b1.startServers();

            Tally again = topology.client().connectTcp(b1.address(), 80, 2);
            assertEquals(Map.of("b1", 2), again.countsByBackend(), again.toString());
        }
    }

    @Test
    void aLongConnectionKeepsTalkingToItsBackend() {
        try (Topology topology = Topology.builder().backends(2).start();
                LongConnection connection = topology.client().openLongConnection("10.1.0.11", 80)) {
            assertEquals("b1", connection.backend());
            assertEquals("10.0.0.2", connection.peerAddress());
            assertEquals(connection.localPort(), connection.peerPort());

            for (int i = 0; i < 5; i++) {
                assertEquals("b1 line " + i, connection.exchange("line " + i));
            }
        }
    }

    @Test
    void stoppingABackendBreaksItsLongConnections() {
        try (Topology topology = Topology.builder().backends(1).start()) {
            LongConnection connection = topology.client().openLongConnection("10.1.0.10", 80);
            assertEquals("b0 before", connection.exchange("before"));

            topology.backend(0).stopServers();

            assertThrows(UncheckedIOException.class, () -> connection.exchange("after"));
            connection.close();
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void severalClientSourceAddressesAreUsedRoundRobin() {
        try (Topology topology = Topology.builder().backends(1).clientAddresses(3).start()) {
            Tally v4 = topology.client().tcp("10.1.0.10", 80).count(6).fromAllSourceAddresses().run();
            Tally v6 = topology.client().tcp("fd00:1::10", 80).count(6).fromAllSourceAddresses().run();

            assertEquals(List.of("10.0.0.2", "10.0.0.100", "10.0.0.101"), topology.client().sourceAddresses());
            assertEquals(Map.of("b0", Set.of("10.0.0.100", "10.0.0.101", "10.0.0.2")), v4.peersByBackend(),
                    v4.toString());
            assertEquals(Set.of("10.0.0.2", "10.0.0.100", "10.0.0.101"), v4.backendsBySource().keySet());
            assertEquals(Map.of("b0", Set.of("fd00::100", "fd00::101", "fd00::2")), v6.peersByBackend(), v6.toString());
            assertEquals("10.0.0.100", v4.outcomes().get(1).source(), "round robin in request order");
        }
    }

    @Test
    void aVipOnTheBalancerIsReachableAndDnatBalancesRoundRobin() {
        try (Topology topology = Topology.builder().backends(2).start()) {
            topology.balancer().addAddress("10.0.0.40/32");
            topology.balancer().addAddress("fd00::40");
            topology.balancer().namespace().nft("""
                    table ip lb {
                      chain pre { type nat hook prerouting priority dstnat;
                        ip daddr 10.0.0.40 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 10.1.0.10, 1 : 10.1.0.11 }
                      }
                    }
                    table ip6 lb6 {
                      chain pre { type nat hook prerouting priority dstnat;
                        ip6 daddr fd00::40 tcp dport 80 dnat to numgen inc mod 2 map { 0 : fd00:1::10, 1 : fd00:1::11 }
                      }
                    }
                    """);

            Tally v4 = topology.client().connectTcp("10.0.0.40", 80, 6);
            Tally v6 = topology.client().connectTcp("fd00::40", 80, 6);
            Tally concurrent = topology.client().tcp("10.0.0.40", 80).count(40).concurrency(8).run();

            assertEquals(List.of("b0", "b1", "b0", "b1", "b0", "b1"), v4.sequence(), v4.toString());
            assertEquals(Map.of("b0", Set.of("10.0.0.2"), "b1", Set.of("10.0.0.2")), v4.peersByBackend());
            assertEquals(List.of("b0", "b1", "b0", "b1", "b0", "b1"), v6.sequence(), v6.toString());
            assertEquals(Map.of("b0", 20, "b1", 20), concurrent.countsByBackend(), concurrent.toString());
        }
    }

    @Test
    void everyPortIsServed() {
        try (Topology topology = Topology.builder().backends(1).ports(80, 443, 8080).start()) {
            for (int port : topology.ports()) {
                assertEquals(1, topology.client().connectTcp("10.1.0.10", port, 1).answered(), "port " + port);
            }
            assertEquals(Map.of(FailureReason.REFUSED, 1),
                    topology.client().connectTcp("10.1.0.10", 81, 1).failuresByReason());
        }
    }

    @Test
    void sysctlsChangeInsideTheTopologyOnlyNeverOnTheHost() throws Exception {
        Path forwarding = Path.of("/proc/sys/net/ipv4/ip_forward");
        Path forwarding6 = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");
        // This (root-namespace) thread reads the host's values.
        String hostBefore = Files.readString(forwarding) + Files.readString(forwarding6);

        try (Topology topology = Topology.builder().backends(1).start()) {
            NetworkNamespace balancer = topology.balancer().namespace();
            assertEquals("1", balancer.execOrThrow("cat", forwarding.toString()).stdout().strip());
            assertEquals("1", balancer.execOrThrow("cat", forwarding6.toString()).stdout().strip());
            assertEquals("0", balancer.execOrThrow("cat", "/proc/sys/net/ipv4/conf/all/rp_filter").stdout().strip());
            assertEquals("0", topology.backend(0).namespace()
                    .execOrThrow("cat", "/proc/sys/net/ipv6/conf/default/accept_dad").stdout().strip());
        }

        assertEquals(hostBefore, Files.readString(forwarding) + Files.readString(forwarding6));
    }

    @Test
    void closeRemovesEveryNamespace() {
        Topology topology = Topology.builder().backends(3).start();
        List<String> names = namespacesOf(topology);
        assertEquals(5, names.size());
        assertTrue(names.stream().allMatch(NamespaceRegistry::exists));

        topology.close();
        topology.close();

        assertEquals(List.of(), names.stream().filter(NamespaceRegistry::exists).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "sysctls", "links", "servers", "started"})
    void aFailureHalfWayRemovesWhatWasCreated(String failingStep) {
        Set<String> before = HostNamespaces.listOwnedHereOrForeign();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Topology.builder().backends(2)
                .onStep(step -> {
                    if (step.equals(failingStep)) {
                        throw new IllegalStateException("injected failure at " + step);
                    }
                })
                .start());

        assertEquals("injected failure at " + failingStep, e.getMessage());
        assertEquals(before, HostNamespaces.listOwnedHereOrForeign());
    }

    @Test
    void aFourBackendTopologyStartsAndItsLastBackendAnswers() {
        long started = System.nanoTime();
        try (Topology topology = Topology.builder().backends(4).udp(true).ports(80, 443).start()) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            // Reported, not asserted: timings belong in benchmarks (DESIGN.md), not in tests.
            System.out.println("4-backend topology started in " + millis + " ms");
            assertEquals(4, topology.client().connectTcp("10.1.0.13", 443, 4).count("b3"));
        }
    }

    private static List<String> namespacesOf(Topology topology) {
        List<String> names = new java.util.ArrayList<>(List.of(topology.client().namespace().name(),
                topology.balancer().namespace().name()));
        topology.backends().forEach(b -> names.add(b.namespace().name()));
        return Collections.unmodifiableList(names);
    }
}
