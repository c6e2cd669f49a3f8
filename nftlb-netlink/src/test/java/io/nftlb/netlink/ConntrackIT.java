package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Topology;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ctnetlink against real flows: a round-robin dNAT farm of three backends, seven long TCP
 * connections through the balancer, then the balancer's conntrack table is counted and one
 * backend's flows are deleted by mark.
 */
@RequiresNetns
class ConntrackIT {

    static final String VIP = "10.0.0.40";

    @Test
    void countsPerMarkMatchWhatTheClientSawAndDeletingByMarkDropsOnlyThatBackend() throws Exception {
        try (Topology topology = Topology.builder().backends(3).start()) {
            Farm farm = Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12"));
            RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
            Ids ids = compiled.allocation().ids("web");
            topology.balancer().addAddress(VIP);
            topology.balancer().namespace().nft(NftText.render(compiled.ruleset()));

            List<LongConnection> conns = new ArrayList<>();
            try (Conntrack ct = Conntrack.openInNamespace(topology.balancer().namespace().name())) {
                for (int i = 0; i < 7; i++) {
                    conns.add(topology.client().openLongConnection(VIP, 80));
                }
                Map<Long, Long> seen = new HashMap<>();
                for (LongConnection c : conns) {
                    seen.merge(ids.mark(c.backend()), 1L, Long::sum);
                }
                assertEquals(Map.of(ids.mark("b0"), 3L, ids.mark("b1"), 2L, ids.mark("b2"), 2L), seen);

                assertEquals(seen, marked(ct.countByMark(), ids));
                assertEquals(7L, ct.countByOriginalDestination().get(InetAddress.getByName(VIP)));
                assertEquals(3L, ct.countByReplySource().get(InetAddress.getByName("10.1.0.10")));
                assertEquals(3, ct.entriesWithMark(ids.mark("b0")).size());

                assertEquals(3L, ct.deleteByMark(ids.mark("b0")));

                Map<Long, Long> after = marked(ct.countByMark(), ids);
                assertEquals(Map.of(ids.mark("b1"), 2L, ids.mark("b2"), 2L), after);
                assertEquals(0, ct.entriesWithMark(ids.mark("b0")).size());

                // flows of the other backends carry on untouched
                for (LongConnection c : conns) {
                    if (!c.backend().equals("b0")) {
                        assertEquals(c.backend() + " still", c.exchange("still"));
                    }
                }
                // The next packet of a deleted flow is a new flow mid-stream: conntrack picks it
                // up (nf_conntrack_tcp_loose=1), ct state is new, the farm schedules it again
                // (round robin: the 8th pick, b1) and dNATs it to a backend that has no such
                // connection, which resets it. The client sees the reset.
                LongConnection victim = conns.stream().filter(c -> c.backend().equals("b0")).findFirst().orElseThrow();
                Map<String, Long> rstsBefore = outRsts(topology);
                String outcome;
                try {
                    outcome = "answered: " + victim.exchange("after-delete");
                } catch (UncheckedIOException e) {
                    outcome = "failed: " + e.getCause().getMessage();
                }
                Map<String, Long> rstsAfter = outRsts(topology);
                Map<String, Long> resetters = new HashMap<>();
                rstsAfter.forEach((ns, n) -> {
                    if (n > rstsBefore.getOrDefault(ns, 0L)) {
                        resetters.put(ns, n - rstsBefore.getOrDefault(ns, 0L));
                    }
                });
                System.out.println("[ConntrackIT] RSTs sent during the exchange, by namespace: " + resetters);
                System.out.println("[ConntrackIT] exchange on a deleted b0 flow -> " + outcome
                        + "; conntrack now " + ct.countByMark() + "; entries "
                        + ct.entries());
                assertTrue(outcome.startsWith("failed: ") && outcome.toLowerCase().contains("reset"), outcome);
                assertEquals(Map.of("b1", 1L), resetters, "the reset came from the newly picked backend");
                Map<Long, Long> end = marked(ct.countByMark(), ids);
                assertEquals(0L, end.getOrDefault(ids.mark("b0"), 0L), end.toString());
            } finally {
                conns.forEach(LongConnection::close);
            }
        }
    }

    /** Tcp OutRsts of /proc/net/snmp in the balancer and each backend namespace. */
    private static Map<String, Long> outRsts(Topology topology) {
        Map<String, Long> out = new HashMap<>();
        out.put("balancer", outRsts(topology.balancer().namespace()));
        for (io.nftlb.testkit.BackendHost b : topology.backends()) {
            out.put(b.name(), outRsts(b.namespace()));
        }
        return out;
    }

    private static long outRsts(io.nftlb.testkit.NetworkNamespace ns) {
        String[] lines = ns.execOrThrow("cat", "/proc/net/snmp").stdout().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                return Long.parseLong(values[names.indexOf("OutRsts")]);
            }
        }
        throw new IllegalStateException("no Tcp OutRsts in /proc/net/snmp");
    }

    /** Only the marks of this farm's backends (the namespace may hold other flows). */
    private static Map<Long, Long> marked(Map<Long, Long> counts, Ids ids) {
        Map<Long, Long> out = new HashMap<>(counts);
        out.keySet().retainAll(ids.marks().values());
        return out;
    }
}
