package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Stateless dNAT at ingress, with real connections over IPv4 and IPv6: backends see the
 * clients' addresses, replies are rewritten back at the backend-side ingress, and the
 * balancer's IP layer (where conntrack lives) sees no packet of these connections.
 */
@RequiresNetns
class StatelessDnatTrafficIT {

    static final String VIP = "10.0.0.40", VIP6 = "fd00::40";

    /** Counts, in the balancer's IP layer, packets to the VIPs and TCP from the backends (neighbour discovery is not theirs). */
    static final String PROBE = """
            table inet probe {
              chain pre { type filter hook prerouting priority -400; policy accept;
                ip daddr 10.0.0.40 counter
                ip6 daddr fd00::40 counter
                ip saddr 10.1.0.0/24 meta l4proto tcp counter
                ip6 saddr fd00:1::/64 meta l4proto tcp counter
              }
            }
            """;

    @Test
    void connectionsWorkBothWaysWithNoConntrack() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).ipv6(true)
                .clientAddresses(8).start()) {
            Farm farm = Farm.statelessDnat(VIP, VIP6).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()),
                    Backend.of("b0v6", t.backend(0).address6()), Backend.of("b1v6", t.backend(1).address6()));
            String in = t.balancer().clientInterface();
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(in, t.balancer().namespace().macAddress(in))
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress())
                    .backend("b0v6", t.backend(0).macAddress()).backend("b1v6", t.backend(1).macAddress());
            t.balancer().namespace().nft(PROBE);
            DsrTrafficIT.install(t, List.of(), List.of(farm), List.of(path));
            t.balancer().addAddress(VIP6);
            // The topology's bridge stands in for a switch: with br_netfilter loaded on the host, the
            // IP hooks (and conntrack) would also see frames crossing it, which a real switch never shows.
            for (String family : List.of("iptables", "ip6tables")) {
                t.balancer().namespace().execOrThrow("sysctl", "-qw", "net.bridge.bridge-nf-call-" + family + "=0");
            }

            int n = 32;
            for (boolean v6 : List.of(false, true)) {
                Tally tally = t.client().tcp(v6 ? VIP6 : VIP, 80).fromAllSourceAddresses().count(n).run();
                String family = v6 ? "IPv6" : "IPv4";
                assertEquals(n, tally.answered(), family + ": " + n + " connections, " + tally.answered()
                        + " answered: " + tally);
                assertEquals(Set.of("b0", "b1"), tally.backends(), family + ": 8 sources over 2 backends: " + tally);
                Set<String> peers = new HashSet<>();
                tally.peersByBackend().values().forEach(peers::addAll);
                List<String> sources = v6 ? t.client().sourceAddresses6() : t.client().sourceAddresses();
                assertTrue(sources.containsAll(peers), family + ": backends saw the clients' own addresses " + peers);
            }
            assertEquals(List.of(0L, 0L, 0L, 0L), DsrTrafficIT.probeCounts(t),
                    "packets in the balancer's prerouting: to VIP, to VIP6, TCP from backends v4, TCP from backends v6");
            String tracked = t.balancer().namespace().execOrThrow("conntrack", "-L").stdout();
            assertEquals("", tracked.strip(), "conntrack entries on the balancer");
        }
    }
}
