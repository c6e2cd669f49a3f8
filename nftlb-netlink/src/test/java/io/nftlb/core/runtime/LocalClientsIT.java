package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.Client;
import io.nftlb.testkit.Requests;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connections that do not come from the client side: the balancer's own processes
 * (intra-connect: their packets pass the output hook, never prerouting) and a backend calling its
 * farm's service (hairpin: with dnat the chosen backend would answer the caller directly). Each
 * test also checks that the client outside is served as before, and that every conntrack entry of
 * the service carries the mark of the backend it is NATed to (scheduled once).
 */
@RequiresNetns
class LocalClientsIT {

    static final String VIP4 = ScheduleOnceIT.VIP4;
    static final String VIP6 = ScheduleOnceIT.VIP6;

    /** Round robin from the balancer itself is exact, for both NAT modes, both families, TCP and UDP. */
    @ParameterizedTest(name = "{0} ipv6={1} {2}")
    @CsvSource({"dnat, false, tcp", "dnat, true, tcp", "snat, false, tcp", "snat, true, tcp",
            "dnat, false, udp", "snat, true, udp"})
    void theBalancersOwnConnectionsAreBalancedRoundRobin(String mode, boolean ipv6, String protocol) throws Exception {
        boolean udp = protocol.equals("udp");
        try (Setup s = Setup.start(ipv6, udp)) {
            Farm farm = s.farm(mode, udp).intraConnect(true).roundRobin(s.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = s.open(farm)) {
                Tally local = s.requests(s.topology().balancer().client(), udp).count(6).run();
                assertEquals(List.of("b0", "b1", "b2", "b0", "b1", "b2"), local.sequence(), local.toString());
                String balancer = ipv6 ? s.topology().balancer().clientSideAddress6()
                        : s.topology().balancer().clientSideAddress();
                s.assertBackendsSaw(local, mode.equals("dnat") ? balancer : s.backendSide());
                s.assertClientStillServed(mode, udp);
                s.assertMarksMatchBackends(lb);
            }
        }
    }

    /** Every scheduler, and persistence, serves the balancer's own connections; weights within binomial bounds. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"weighted, balancer", "weighted, backend", "hash, balancer", "symhash, balancer",
            "maglev, balancer", "persistent, balancer", "persistent, backend"})
    void everySchedulerServesLocalAndHairpinConnections(String scheduler, String from) throws Exception {
        try (Setup s = Setup.start(false, false)) {
            List<Backend> bs = s.backends();
            Farm farm = Farm.dnat(VIP4).port(80).named("web").intraConnect(true);
            farm = switch (scheduler) {
                case "weighted" -> farm.weighted(bs.get(0).weight(1), bs.get(1).weight(2), bs.get(2).weight(2));
                case "hash" -> farm.scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_PORT)).backends(bs);
                case "symhash" -> farm.scheduler(Scheduler.symmetricHash()).backends(bs);
                case "maglev" -> farm.scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_PORT)).backends(bs);
                case "persistent" -> farm.weighted(bs.get(0), bs.get(1), bs.get(2)).persistent(Duration.ofMinutes(5));
                default -> throw new IllegalArgumentException(scheduler);
            };
            Client client = from.equals("balancer") ? s.topology().balancer().client() : s.topology().backend(1).client();
            try (LoadBalancer lb = s.open(farm)) {
                int n = scheduler.equals("weighted") ? 300 : 30;
                // A persistent client's first connection goes alone: SYNs of one client that meet
                // an empty persistence map at the same instant on two CPUs are each scheduled
                // (the lookup and the update are two steps of the rule), as in any nftables
                // persistence; from the first remembered one on, every connection keeps it.
                Tally first = scheduler.equals("persistent") ? client.tcp(VIP4, 80).count(1).run() : null;
                Tally tally = client.tcp(VIP4, 80).count(first == null ? n : n - 1).concurrency(16).run();
                tally = first == null ? tally : first.plus(tally);
                assertEquals(n, tally.answered(), tally.toString());
                switch (scheduler) {
                    case "weighted" -> {
                        // Binomial(n, 1/5) for b0: sd = sqrt(300 * 0.2 * 0.8) ~ 6.9; allow 4.5 sigma.
                        double sd = Math.sqrt(n * 0.2 * 0.8);
                        int b0 = tally.count("b0");
                        assertTrue(Math.abs(b0 - n * 0.2) < 4.5 * sd, "b0 (weight 1 of 5) got " + b0 + " of " + n
                                + ": " + tally);
                    }
                    case "persistent" -> assertEquals(1, tally.backends().size(),
                            "one source, one backend while it persists: " + tally);
                    default -> assertTrue(tally.backends().size() > 1, "hashing source ports spread: " + tally);
                }
                s.assertMarksMatchBackends(lb);
            }
        }
    }

    /**
     * A backend calling its farm's service is balanced like any client (b0 goes to itself as
     * often as to the others) and seen from the balancer's backend-side address; the client
     * outside still reaches the backends with its own address in dnat mode.
     */
    @ParameterizedTest(name = "{0} ipv6={1}")
    @CsvSource({"dnat, false", "dnat, true", "snat, false", "snat, true"})
    void aBackendCallingItsServiceIsBalanced(String mode, boolean ipv6) throws Exception {
        try (Setup s = Setup.start(ipv6, false)) {
            Farm farm = s.farm(mode, false).roundRobin(s.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = s.open(farm)) {
                Tally hairpin = s.requests(s.topology().backend(0).client(), false).count(6).run();
                assertEquals(List.of("b0", "b1", "b2", "b0", "b1", "b2"), hairpin.sequence(), hairpin.toString());
                s.assertBackendsSaw(hairpin, s.backendSide());
                s.assertClientStillServed(mode, false);
                s.assertMarksMatchBackends(lb);
            }
        }
    }

    /** Without intra-connect the balancer's own connections reach no backend: nothing serves the VIP there. */
    @Test
    void withoutIntraConnectTheBalancersOwnConnectionsAreNotServed() throws Exception {
        try (Setup s = Setup.start(false, false)) {
            Farm farm = s.farm("dnat", false).roundRobin(s.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = s.open(farm)) {
                Tally local = s.requests(s.topology().balancer().client(), false).count(3).run();
                assertEquals(0, local.answered(), local.toString());
            }
        }
    }

    /** Without hairpin a dnat backend's calls fail: the chosen backend answers it directly. */
    @Test
    void withoutHairpinABackendsCallsFail() throws Exception {
        try (Setup s = Setup.start(false, false)) {
            Farm farm = s.farm("dnat", false).hairpin(false).roundRobin(s.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = s.open(farm)) {
                Tally hairpin = s.topology().backend(0).client().tcp(VIP4, 80).count(3)
                        .connectTimeout(Duration.ofSeconds(1)).run();
                assertEquals(0, hairpin.answered(), hairpin.toString());
            }
        }
    }

    /**
     * Intra-connect and hairpin change on a running balancer: the output chains and the hairpin
     * rules come with the first farm that needs them and go with the last, and the client outside
     * is served before and after.
     */
    @Test
    void intraConnectAndHairpinChangeAtRuntime() throws Exception {
        try (Setup s = Setup.start(false, false)) {
            Farm farm = s.farm("dnat", false).hairpin(false).roundRobin(s.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = s.open(farm)) {
                Client local = s.topology().balancer().client();
                assertEquals(0, s.requests(local, false).count(2).run().answered(), "no intra-connect yet");
                s.assertClientStillServed("dnat", false);

                lb.apply(farm.intraConnect(true).hairpin(true)).join();
                Tally on = s.requests(local, false).count(3).run();
                assertEquals(Map.of("b0", 1, "b1", 1, "b2", 1), on.countsByBackend(), on.toString());
                Tally hairpin = s.requests(s.topology().backend(2).client(), false).count(3).run();
                assertEquals(Map.of("b0", 1, "b1", 1, "b2", 1), hairpin.countsByBackend(), hairpin.toString());
                s.assertClientStillServed("dnat", false);

                lb.apply(farm).join();
                String ruleset = s.topology().balancer().namespace().listRuleset();
                assertTrue(!ruleset.contains("hook output") && !ruleset.contains("hairpin"), ruleset);
                assertEquals(0, s.requests(local, false).count(2).run().answered(), "intra-connect is off again");
                s.assertClientStillServed("dnat", false);
            }
        }
    }

    /** Three backends behind a balancer holding the VIP, with replies routed through the balancer. */
    record Setup(Topology topology, boolean ipv6) implements AutoCloseable {

        static Setup start(boolean ipv6, boolean udp) {
            Topology t = Topology.builder().backends(3).udp(udp).ipv6(ipv6).returnPath(ReturnPath.VIA_BALANCER).start();
            try {
                t.balancer().addAddress(ipv6 ? VIP6 : VIP4);
                return new Setup(t, ipv6);
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }

        String vip() {
            return ipv6 ? VIP6 : VIP4;
        }

        List<Backend> backends() {
            return IntStream.range(0, topology.backends().size()).mapToObj(i -> Backend.of("b" + i,
                    ipv6 ? topology.backend(i).address6() : topology.backend(i).address())).toList();
        }

        Farm farm(String mode, boolean udp) {
            Farm f = (mode.equals("dnat") ? Farm.dnat(vip()) : Farm.snat(vip())).port(80).named("web");
            return udp ? f.udp() : f;
        }

        LoadBalancer open(Farm farm) {
            return LoadBalancer.builder(NetlinkTransport.openInNamespace(topology.balancer().namespace().name()))
                    .farms(List.of(farm)).open();
        }

        Requests requests(Client client, boolean udp) {
            return udp ? client.udp(vip(), 80) : client.tcp(vip(), 80);
        }

        String backendSide() {
            return ipv6 ? topology.balancer().backendSideAddress6() : topology.balancer().backendSideAddress();
        }

        void assertBackendsSaw(Tally tally, String source) {
            tally.peersByBackend().forEach((backend, peers) -> assertEquals(Set.of(source), peers,
                    backend + " saw " + peers + ": " + tally));
        }

        /** The client outside: served by every backend, seen with its own address in dnat mode (transparent). */
        void assertClientStillServed(String mode, boolean udp) {
            Tally outside = requests(topology.client(), udp).count(3).run();
            assertEquals(Map.of("b0", 1, "b1", 1, "b2", 1), outside.countsByBackend(), outside.toString());
            String client = ipv6 ? topology.client().address6() : topology.client().address();
            assertBackendsSaw(outside, mode.equals("dnat") ? client : backendSide());
        }

        void assertMarksMatchBackends(LoadBalancer lb) throws Exception {
            new ScheduleOnceIT.Lossy(topology, ipv6).assertMarksMatchBackends(lb, "web");
        }

        @Override
        public void close() {
            topology.close();
        }
    }
}
