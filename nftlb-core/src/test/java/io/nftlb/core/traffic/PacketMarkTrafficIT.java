package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Packet marks are on the packets: a table of the test's own in the balancer counts, at the
 * forward hook, the client's packets to each backend by their {@code meta mark}.
 */
@RequiresNetns
class PacketMarkTrafficIT {

    static final String VIP = "10.0.0.40";

    @Test
    void farmAndBackendMarksAreOnEveryForwardedPacket() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start()) {
            t.balancer().addAddress(VIP);
            Apply.farms(t, Farm.dnat(VIP).port(80).named("web").packetMark(0x20)
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11").packetMark(0x30)));
            t.balancer().namespace().nft("""
                    table inet probe {
                     chain forward-probe {
                      type filter hook forward priority 0; policy accept;
                      ip daddr 10.1.0.10 tcp flags syn meta mark 0x20 counter comment "b0-syn-farm-mark"
                      ip daddr 10.1.0.10 meta mark 0x20 counter comment "b0-farm-mark"
                      ip daddr 10.1.0.11 tcp flags syn meta mark 0x30 counter comment "b1-syn-backend-mark"
                      ip daddr 10.1.0.11 meta mark 0x30 counter comment "b1-backend-mark"
                      ip daddr { 10.1.0.10, 10.1.0.11 } meta mark != { 0x20, 0x30 } counter comment "other-mark"
                     }
                    }
                    """);
            Tally tally = t.client().tcp(VIP, 80).count(6).run();
            assertEquals(Map.of("b0", 3, "b1", 3), tally.countsByBackend(), tally.toString());
            Map<String, Long> c = counters(t);
            assertEquals(3L, c.get("b0-syn-farm-mark"), "SYNs to b0 with the farm's mark 0x20: " + c);
            assertEquals(3L, c.get("b1-syn-backend-mark"), "SYNs to b1 with its own mark 0x30: " + c);
            assertEquals(0L, c.get("other-mark"), "packets to the backends with another mark: " + c);
            // Each connection sends at least SYN, ACK, request, FIN: all of them carry the mark.
            assertEquals(true, c.get("b0-farm-mark") >= 12 && c.get("b1-backend-mark") >= 12,
                    "marked packets per backend for 3 connections each: " + c);
        }
    }

    static Map<String, Long> counters(Topology t) {
        String table = t.balancer().namespace().execOrThrow("nft", "list", "table", "inet", "probe").stdout();
        Matcher m = Pattern.compile("counter packets (\\d+) bytes \\d+ comment \"([^\"]+)\"").matcher(table);
        Map<String, Long> counts = new LinkedHashMap<>();
        while (m.find()) {
            counts.put(m.group(2), Long.parseLong(m.group(1)));
        }
        return counts;
    }
}
