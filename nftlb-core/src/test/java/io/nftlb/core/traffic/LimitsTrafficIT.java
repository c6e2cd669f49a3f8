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
