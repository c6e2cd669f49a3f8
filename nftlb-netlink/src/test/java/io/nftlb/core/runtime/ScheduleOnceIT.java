package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.netlink.Conntrack;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.Requests;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each connection is scheduled once, on a lossy path. Backend b0's namespace drops the first
 * packet of every new client flow (the first SYN of each client port, the first datagram of each
 * UDP flow), so the client sends it again: conntrack still calls that second packet NEW. A
 * scheduler that ran again for it would overwrite {@code ct mark} with another backend's mark
 * while the NAT binding made on the first packet stays: round robin would skip a backend,
 * persistence would record the wrong one, and flushing a removed backend's connections would hit
 * others. Every test ends by checking each conntrack entry: its mark is the mark of the backend
 * in its reply tuple.
 */
@RequiresNetns
class ScheduleOnceIT {

    static final String VIP4 = "10.0.0.40";
    static final String VIP6 = "fd00::40";

    /** Round robin over three backends, one of them lossy, is exact: each gets a third. */
    @ParameterizedTest(name = "{0} ipv6={1}")
    @CsvSource({"tcp, false", "tcp, true", "udp, false", "udp, true"})
    void roundRobinStaysExactWhenFirstPacketsAreRepeated(String protocol, boolean ipv6) throws Exception {
        boolean udp = protocol.equals("udp");
        try (Lossy l = Lossy.start(3, udp, ipv6, 0)) {
            Farm farm = l.farm(udp).named("web").roundRobin(l.backends().toArray(Backend[]::new));
            try (LoadBalancer lb = l.open(farm, false)) {
                int n = 30;
                Tally tally = l.requests(udp).count(n).concurrency(6).run();
                assertEquals(n, tally.answered(), tally.toString());
                assertEquals(Map.of("b0", n / 3, "b1", n / 3, "b2", n / 3), tally.countsByBackend(),
                        "round robin over a lossy b0: " + tally);
                l.assertMarksMatchBackends(lb, "web");
            }
        }
    }

    /**
     * Every scheduler over a lossy backend: the mark of each connection names the backend its
     * NAT binding goes to. Weights within binomial bounds as well, for the weighted one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"weighted", "hash", "symhash", "maglev", "tiers"})
    void everySchedulerMarksTheBackendItNatsTo(String scheduler) throws Exception {
        try (Lossy l = Lossy.start(3, false, false, 0)) {
            List<Backend> bs = l.backends();
            Farm farm = Farm.dnat(VIP4).port(80).named("web");
            farm = switch (scheduler) {
                case "weighted" -> farm.weighted(bs.get(0).weight(1), bs.get(1).weight(2), bs.get(2).weight(2));
                case "hash" -> farm.scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_PORT)).backends(bs);
                case "symhash" -> farm.scheduler(Scheduler.symmetricHash()).backends(bs);
                case "maglev" -> farm.scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_PORT)).backends(bs);
                case "tiers" -> farm.weighted(bs.get(0), bs.get(1), bs.get(2).priority(2));
                default -> throw new IllegalArgumentException(scheduler);
            };
            try (LoadBalancer lb = l.open(farm, false)) {
                int n = scheduler.equals("weighted") ? 300 : 30;
                Tally tally = l.requests(false).count(n).concurrency(16).run();
                assertEquals(n, tally.answered(), tally.toString());
                if (scheduler.equals("weighted")) {
                    // Binomial(n, 1/5) for b0: sd = sqrt(300 * 0.2 * 0.8) ~ 6.9; allow 4.5 sigma.
                    double sd = Math.sqrt(n * 0.2 * 0.8);
                    int b0 = tally.count("b0");
                    assertTrue(Math.abs(b0 - n * 0.2) < 4.5 * sd,
                            "b0 (weight 1 of 5) got " + b0 + " of " + n + ": " + tally);
                }
                if (scheduler.equals("tiers")) {
                    assertEquals(0, tally.count("b2"), "the backup tier served while primaries were up: " + tally);
                }
                assertTrue(tally.count("b0") > 0, "the lossy backend took no connection: " + tally);
                l.assertMarksMatchBackends(lb, "web");
            }
        }
    }

    /**
     * Persistence records the backend the connection went to: a client's next connection goes
     * there too, including clients whose first connection went through the lossy b0.
     */
    @Test
    void persistenceRecordsTheBackendTheConnectionWentTo() throws Exception {
        try (Lossy l = Lossy.start(3, false, false, 20)) {
            List<Backend> bs = l.backends();
            Farm farm = Farm.dnat(VIP4).port(80).named("web").weighted(bs.get(0), bs.get(1), bs.get(2))
                    .persistent(Duration.ofMinutes(5));
            try (LoadBalancer lb = l.open(farm, false)) {
                Tally first = l.requests(false).fromAllSourceAddresses().count(20).concurrency(20).run();
                assertEquals(20, first.answered(), first.toString());
                assertTrue(first.count("b0") > 0, "no client went to the lossy b0 (1 in 3^20): " + first);
                Tally second = l.requests(false).fromAllSourceAddresses().count(40).concurrency(20).run();
                assertEquals(40, second.answered(), second.toString());
                Map<String, Set<String>> before = first.backendsBySource();
                second.backendsBySource().forEach((source, backends) -> assertEquals(before.get(source), backends,
                        "client " + source + " moved; first " + first + " then " + second));
                l.assertMarksMatchBackends(lb, "web");
            }
        }
    }

    /**
     * Removing a backend with flushing deletes exactly its connections: every long connection
     * to b0 (the lossy one) fails afterwards, every other one keeps working.
     */
    @Test
    void removingABackendFlushesExactlyItsConnections() throws Exception {
        try (Lossy l = Lossy.start(3, false, false, 0)) {
            Farm farm = Farm.dnat(VIP4).port(80).named("web").roundRobin(l.backends().toArray(Backend[]::new));
            List<LongConnection> open = new ArrayList<>();
            try (LoadBalancer lb = l.open(farm, true)) {
                for (int i = 0; i < 12; i++) {
                    open.add(l.topology().client().openLongConnection(VIP4, 80));
                }
                Map<String, Long> perBackend = new HashMap<>();
                open.forEach(c -> perBackend.merge(c.backend(), 1L, Long::sum));
                assertEquals(Map.of("b0", 4L, "b1", 4L, "b2", 4L), perBackend, "round robin of 12 long connections");
                l.assertMarksMatchBackends(lb, "web");

                lb.apply(lb.farm("web").orElseThrow().withoutBackend("b0")).join();
                List<String> wrong = new ArrayList<>();
                for (LongConnection c : open) {
                    boolean works = works(c);
                    if (works == c.backend().equals("b0")) {
                        wrong.add(c.backend() + ":" + c.localPort() + (works ? " survived" : " was cut"));
                    }
                }
                assertEquals(List.of(), wrong, "only b0's connections may be cut by its removal");
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }

    private static boolean works(LongConnection c) {
        try {
            return c.exchange("still").equals(c.backend() + " still");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** A topology whose backend b0 drops the first packet of each new client flow. */
    record Lossy(Topology topology, boolean ipv6) implements AutoCloseable {

        static Lossy start(int backends, boolean udp, boolean ipv6, int clientAddresses) {
            Topology.Builder b = Topology.builder().backends(backends).udp(udp).ipv6(ipv6)
                    .returnPath(ReturnPath.VIA_BALANCER);
            if (clientAddresses > 0) {
                b.clientAddresses(clientAddresses);
            }
            Topology t = b.start();
            try {
                t.balancer().addAddress(ipv6 ? VIP6 : VIP4);
                t.backend(0).dropFirstPacketOfEachFlow();
                return new Lossy(t, ipv6);
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }

        List<Backend> backends() {
            return IntStream.range(0, topology.backends().size()).mapToObj(i -> Backend.of("b" + i,
                    ipv6 ? topology.backend(i).address6() : topology.backend(i).address())).toList();
        }

        Farm farm(boolean udp) {
            Farm f = Farm.dnat(ipv6 ? VIP6 : VIP4).port(80);
            return udp ? f.udp() : f;
        }

        LoadBalancer open(Farm farm, boolean flush) {
            return LoadBalancer.builder(NetlinkTransport.openInNamespace(topology.balancer().namespace().name()))
                    .farms(List.of(farm)).flushConnectionsOnRemoval(flush).open();
        }

        /** Requests with time for one retransmission: TCP retries a SYN after 1 s, the UDP client after 300 ms. */
        Requests requests(boolean udp) {
            String vip = ipv6 ? VIP6 : VIP4;
            return udp ? topology.client().udp(vip, 80).udpResendEvery(Duration.ofMillis(300))
                    .readTimeout(Duration.ofSeconds(5))
                    : topology.client().tcp(vip, 80).connectTimeout(Duration.ofSeconds(5));
        }

        /** Each conntrack entry of the farm's service: its mark is its reply source's backend's. */
        void assertMarksMatchBackends(LoadBalancer lb, String farm) throws Exception {
            Map<Long, String> backendOfMark = new HashMap<>();
            Map<InetAddress, String> backendAt = new HashMap<>();
            lb.marks(farm).forEach((name, mark) -> backendOfMark.put(mark, name));
            for (Backend b : lb.farm(farm).orElseThrow().backends()) {
                backendAt.put(b.address(), b.name());
            }
            InetAddress vip = InetAddress.getByName(ipv6 ? VIP6 : VIP4);
            List<String> wrong = new ArrayList<>();
            int checked = 0;
            try (Conntrack ct = Conntrack.openInNamespace(topology.balancer().namespace().name())) {
                for (Conntrack.Entry e : ct.entries()) {
                    if (!e.original().destination().equals(vip)) {
                        continue;
                    }
                    checked++;
                    String natTo = backendAt.get(e.reply().source());
                    String marked = backendOfMark.get(e.mark());
                    if (natTo == null || !natTo.equals(marked)) {
                        wrong.add(e.original() + " -> " + e.reply().source() + " (" + natTo + ") marked "
                                + e.mark() + " (" + marked + ")");
                    }
                }
            }
            assertTrue(checked > 0, "no conntrack entry for " + vip);
            assertEquals(List.of(), wrong, checked + " entries checked; marks " + backendOfMark);
        }

        @Override
        public void close() {
            topology.close();
        }
    }
}
