package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.testkit.FailureReason;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Limits proven with real connections: what is over a limit is dropped (the client's SYNs go
 * unanswered) and counted, and what is under it is served.
 */
@RequiresNetns
class LimitsTrafficIT {

    static final String VIP = "10.0.0.40";
    /** Dropped SYNs are retried by TCP; a short connect timeout ends each refused attempt. */
    static final Duration REFUSED_AFTER = Duration.ofSeconds(1);

    static Topology topology(int clientAddresses) {
        Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(clientAddresses).start();
        t.balancer().addAddress(VIP);
        return t;
    }

    static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
    }

    static Tally connect(Topology t, String source, int n) {
        return t.client().tcp(VIP, 80).from(source).count(n).connectTimeout(REFUSED_AFTER).run();
    }

    static int timedOut(Tally tally) {
        return tally.failuresByReason().getOrDefault(FailureReason.CONNECT_TIMEOUT, 0);
    }

    /** The packet counts of the farm chain's counters, in rule order (each check has one on its drop rule). */
    static List<Long> counters(Topology t) {
        String chain = t.balancer().namespace().execOrThrow("nft", "list", "chain", "inet", "nftlb", "farm-web")
                .stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(chain);
        List<Long> counts = new ArrayList<>();
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    /**
     * Sends TCP segments with only ACK set, from the client to the VIP, through a raw socket: no
     * connection exists, and conntrack (loose tracking) takes each for a new connection.
     */
    static void sendBareAcks(Topology t, int count) {
        sendBare(t, 0x10, count);
    }

    /** Sends TCP segments with these flags only (0x04 = RST), for no connection. */
    static void sendBare(Topology t, int flags, int count) {
        String script = String.join("\n",
                "import socket, struct, sys",
                "src, dst, n, flags = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])",
                "def csum(b):",
                "    if len(b) % 2: b += b'\\0'",
                "    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
                "    s = (s >> 16) + (s & 0xffff); s += s >> 16",
                "    return ~s & 0xffff",
                "sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)",
                "sock.bind((src, 0))",
                "for i in range(n):",
                "    tcp = struct.pack('!HHIIBBHHH', 40000 + i, 80, 1000, 2000, 5 << 4, flags, 64240, 0, 0)",
                "    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(tcp))",
                "    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]",
                "    sock.sendto(tcp, (dst, 0))");
        t.client().namespace().execOrThrow("python3", "-c", script, t.client().address(), VIP,
                Integer.toString(count), Integer.toString(flags));
    }

    /** Counts, in the backend, the bare ACKs (no SYN, FIN or RST) that reach port 80. */
    static void probeBareAcks(Topology t) {
        t.backend(0).namespace().nft("table inet probe {\n chain in {\n"
                + "  type filter hook prerouting priority -300; policy accept;\n"
                + "  tcp dport 80 tcp flags & (syn | fin | rst | ack) == ack counter\n }\n}\n");
    }

    /** The probe's count, once it reaches {@code expected} or 2 s have passed (packets cross veths asynchronously). */
    static long bareAcksAtBackend(Topology t, long expected) throws InterruptedException {
        long count = bareAcksAtBackend(t);
        for (int i = 0; i < 20 && count < expected; i++) {
            Thread.sleep(100);
            count = bareAcksAtBackend(t);
        }
        return count;
    }

    static long bareAcksAtBackend(Topology t) {
        String chain = t.backend(0).namespace().execOrThrow("nft", "list", "table", "inet", "probe").stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(chain);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void tcpStrictDropsABareAckAndServesSyns() throws InterruptedException {
        try (Topology t = topology(1)) {
            Apply.farms(t, farm().limits(Limits.none().strictTcp()));
            probeBareAcks(t);
            Tally served = connect(t, t.client().address(), 4);
            assertEquals(4, served.answered(), "connections opened by a SYN: " + served);
            long before = bareAcksAtBackend(t); // the handshakes' own ACKs
            sendBareAcks(t, 3);
            // Counters in rule order: invalid packets (none: conntrack picks bare ACKs up as new), not opened by a SYN.
            assertEquals(List.of(0L, 3L), counters(t), "strict counters after 4 real connections and 3 bare ACKs");
            assertEquals(before, bareAcksAtBackend(t, before + 1), "ACKs at the backend before " + before
                    + " and after the 3 bare ACKs");
        }
    }

    @Test
    void tcpStrictDropsInvalidPackets() {
        try (Topology t = topology(1)) {
            Apply.farms(t, farm().limits(Limits.none().strictTcp()));
            sendBare(t, 0x04, 5); // a RST for no connection: conntrack finds it invalid
            // Counters in rule order: invalid packets (guard path), then new connections not opened by a SYN.
            assertEquals(List.of(5L, 0L), counters(t), "strict counters after 5 RSTs for no connection");
        }
    }

    @Test
    void resetsOverTheRateAreDroppedPerClient() {
        try (Topology t = topology(1)) {
            Apply.farms(t, farm().limits(Limits.none().resets(Rate.perHour(1).burst(3))));
            sendBare(t, 0x04, 10);
            assertEquals(List.of(7L), counters(t), "resets dropped of 10 with a burst of 3");
        }
    }

    @Test
    void withoutTcpStrictABareAckReachesABackend() throws InterruptedException {
        try (Topology t = topology(1)) {
            // The same farm with a check that never fires: the bare ACKs pass it and are scheduled.
            Apply.farms(t, farm().limits(Limits.none().connectionsPerClient(1000)));
            probeBareAcks(t);
            Tally served = connect(t, t.client().address(), 4);
            assertEquals(4, served.answered(), "connections: " + served);
            long before = bareAcksAtBackend(t);
            sendBareAcks(t, 3);
            assertEquals(List.of(0L), counters(t), "no check fired");
            // Seen here: 2 or 3 of the 3 arrive (conntrack's loose pickup does not take every one);
            // any at all shows what tcp strict prevents.
            long after = bareAcksAtBackend(t, before + 3);
            assertTrue(after > before, "ACKs at the backend before " + before + " and after the 3 bare ACKs " + after);
        }
    }

    @Test
    void newConnectionsOverTheRateAreDroppedPerClient() {
        try (Topology t = topology(2)) {
            // 1/hour refills nothing during the test: exactly the burst gets through.
            Apply.farms(t, farm().limits(Limits.none().newConnections(Rate.perHour(1).burst(4))));
            String first = t.client().sourceAddresses().get(0);
            String second = t.client().sourceAddresses().get(1);
            Tally a = connect(t, first, 10);
            assertEquals(4, a.answered(), "burst 4: answered of 10 from " + first + ": " + a);
            assertEquals(6, timedOut(a), "dropped (connect timeout) of 10 from " + first + ": " + a);
            long drops = counters(t).get(0);
            assertTrue(drops >= 6, "rate drop counter " + drops + " counts at least the 6 refused connections'"
                    + " SYNs (TCP retries each)");
            Tally b = connect(t, second, 3);
            assertEquals(3, b.answered(), "another client has its own bucket: answered of 3 from " + second
                    + ": " + b);
            String elements = t.balancer().namespace().execOrThrow("nft", "list", "set", "inet", "nftlb", "rate4")
                    .stdout();
            assertTrue(elements.contains(first + " . " + VIP + " . 80"), "rate4 keeps " + first + ": " + elements);
        }
    }

    @Test
    void aClientOverTheRateIsBannedForTheTtl() throws InterruptedException {
        try (Topology t = topology(1)) {
            Duration ban = Duration.ofSeconds(10); // longer than the refused attempts below take
            Apply.farms(t, farm().limits(Limits.none().newConnections(Rate.perHour(1).burst(2)).ban(ban)));
            String client = t.client().sourceAddresses().get(0);
            Tally over = connect(t, client, 4);
            assertEquals(2, over.answered(), "burst 2: answered of 4: " + over);
            assertEquals(2, timedOut(over), "dropped of 4: " + over);
            String key = client + " . " + VIP + " . 80";
            String banned = t.balancer().namespace().execOrThrow("nft", "list", "set", "inet", "nftlb", "ban4")
                    .stdout();
            assertTrue(banned.contains(key), "ban4 holds " + key + ": " + banned);

            // A full bucket again (as after an hour): only the ban refuses the client now.
            t.balancer().namespace().nft("delete element inet nftlb rate4 { " + key + " }\n");
            Tally whileBanned = connect(t, client, 2);
            assertEquals(0, whileBanned.answered(), "banned: answered of 2: " + whileBanned);
            assertEquals(2, timedOut(whileBanned), "banned: dropped of 2: " + whileBanned);

            // Refused attempts do not renew the ban: it ends its TTL after the client exceeded the rate.
            Thread.sleep(ban.toMillis() + 1000);
            String after = t.balancer().namespace().execOrThrow("nft", "list", "set", "inet", "nftlb", "ban4")
                    .stdout();
            assertTrue(!after.contains(key), "ban of " + ban + " expired: " + after);
            Tally served = connect(t, client, 2);
            assertEquals(2, served.answered(), "after the ban: answered of 2: " + served);
        }
    }

    @Test
    void connectionsPerClientAreCapped() {
        try (Topology t = topology(2)) {
            Apply.farms(t, farm().limits(Limits.none().connectionsPerClient(2)));
            String first = t.client().sourceAddresses().get(0);
            String second = t.client().sourceAddresses().get(1);
            List<LongConnection> open = new ArrayList<>();
            try {
                open.add(t.client().openLongConnection(first, VIP, 80));
                open.add(t.client().openLongConnection(first, VIP, 80));
                UncheckedIOException third = assertThrows(UncheckedIOException.class,
                        () -> open.add(t.client().openLongConnection(first, VIP, 80)),
                        "a third connection from " + first + " while 2 are open");
                assertTrue(third.getMessage().contains("timed out"), third.getMessage());
                // The cap is per client: another address has its own two.
                open.add(t.client().openLongConnection(second, VIP, 80));
                open.add(t.client().openLongConnection(second, VIP, 80));
                assertEquals(4, open.size(), "open connections: " + open);
                for (LongConnection c : open) {
                    assertTrue(c.isOpen(), "still open and served: " + c);
                    assertTrue(c.exchange("ping") != null, "answers: " + c);
                }
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }

    @Test
    void aBackendHoldsAtMostItsMaxConnections() {
        try (Topology t = topology(3)) {
            Apply.farms(t, Farm.dnat(VIP).port(80).named("web")
                    .roundRobin(Backend.of("b0", "10.1.0.10").maxConnections(2)));
            List<String> sources = t.client().sourceAddresses();
            List<LongConnection> open = new ArrayList<>();
            try {
                open.add(t.client().openLongConnection(sources.get(0), VIP, 80));
                open.add(t.client().openLongConnection(sources.get(1), VIP, 80));
                assertThrows(UncheckedIOException.class,
                        () -> open.add(t.client().openLongConnection(sources.get(2), VIP, 80)),
                        "a third connection to b0 (from a third client) while it holds 2");
                assertEquals(List.of("b0", "b0"), open.stream().map(LongConnection::backend).toList());
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }

    @Test
    void verdictLogLetsConnectionsOverTheCapThrough() {
        try (Topology t = topology(1)) {
            Apply.farms(t, farm().limits(Limits.none().connectionsPerClient(1).verdict(Limits.Verdict.LOG)
                    .log("web-", Rate.perSecond(10))));
            List<LongConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(t.client().openLongConnection(VIP, 80));
                }
                Map<String, Long> byBackend = new java.util.TreeMap<>();
                open.forEach(c -> byBackend.merge(c.backend(), 1L, Long::sum));
                // Scheduling went on after the flag was cleared: round robin over both backends.
                assertEquals(Map.of("b0", 2L, "b1", 1L), byBackend, "3 connections over a cap of 1: " + open);
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }
}
