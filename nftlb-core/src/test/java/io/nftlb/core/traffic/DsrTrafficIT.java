package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.Reachability;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Direct server return at ingress, with real connections: backends hold the VIP on loopback
 * and answer the client over their own link to it; the balancer's IP layer never sees a packet
 * of those connections.
 */
@RequiresNetns
class DsrTrafficIT {

    static final String VIP = "10.0.0.40";

    /** Counts, in the balancer's IP layer, every packet to or from the VIP (DSR should leave it none). */
    static final String PROBE = """
            table inet probe {
              chain pre { type filter hook prerouting priority -400; policy accept;
                ip daddr 10.0.0.40 counter
                ip saddr 10.0.0.40 counter
              }
              chain forwarded { type filter hook forward priority 0; policy accept;
                ip saddr 10.0.0.40 counter
              }
            }
            """;

    /** The balancer answers ARP for the VIP (clients share its subnet); its ingress takes the packets before IP. */
    static void install(Topology t, List<Policy> policies, List<Farm> farms, List<DsrPath> paths) {
        t.balancer().addAddress(VIP);
        replace(t, policies, farms, paths);
    }

    /** Replaces the netdev table with these objects in one transaction. */
    static void replace(Topology t, List<Policy> policies, List<Farm> farms, List<DsrPath> paths) {
        String table = PolicyCompiler.TABLE.toString();
        t.balancer().namespace().nft("add table " + table + "\ndelete table " + table + "\n"
                + NftText.render(IngressCompiler.compile(policies, farms, paths)));
    }

    static List<Long> probeCounts(Topology t) {
        String listing = t.balancer().namespace().execOrThrow("nft", "list", "table", "inet", "probe").stdout();
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(listing);
        List<Long> counts = new java.util.ArrayList<>();
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    @Test
    void backendsAnswerClientsDirectlyAndTheBalancerSeesOnlyTheirRequests() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).clientAddresses(16).start()) {
            t.backends().forEach(b -> b.addLoopbackAddress(VIP));
            Farm farm = Farm.dsr(VIP).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()));
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress());
            t.balancer().namespace().nft(PROBE);
            install(t, List.of(), List.of(farm), List.of(path));

            int n = 64;
            Tally tally = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(n).run();
            assertEquals(n, tally.answered(), n + " connections, " + tally.answered() + " answered: " + tally);
            assertEquals(Set.of("b0", "b1"), tally.backends(), "16 sources hashed over 2 backends: " + tally);
            // No NAT: each backend saw the clients' own addresses.
            Set<String> peers = new java.util.HashSet<>();
            tally.peersByBackend().values().forEach(peers::addAll);
            assertTrue(t.client().sourceAddresses().containsAll(peers), "peers " + peers + " are client sources");
            assertEquals(List.of(0L, 0L, 0L), probeCounts(t),
                    "packets to/from the VIP in the balancer's prerouting (to, from) and forward (from)");
        }
    }

    /**
     * At ingress there is no conntrack: a DSR farm hashes each packet's client address and port
     * into the weighted slots, so a retransmitted first SYN goes where the first one went. With b0
     * dropping the first SYN of every flow, every connection still completes and round robin
     * (equal shares, drawn by the hash) and weights hold within binomial bounds.
     */
    @Test
    void aRetransmittedFirstSynGoesToTheSameBackendAndSharesHold() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).start()) {
            t.backends().forEach(b -> b.addLoopbackAddress(VIP));
            t.backend(0).dropFirstPacketOfEachFlow();
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress());
            for (int b0Weight : List.of(1, 3)) {
                Backend b0 = Backend.of("b0", t.backend(0).address()).weight(b0Weight);
                Backend b1 = Backend.of("b1", t.backend(1).address());
                Farm farm = Farm.dsr(VIP).port(80).named("web");
                farm = b0Weight == 1 ? farm.roundRobin(b0, b1) : farm.weighted(b0, b1);
                if (b0Weight == 1) {
                    install(t, List.of(), List.of(farm), List.of(path));
                } else {
                    replace(t, List.of(), List.of(farm), List.of(path));
                }
                int n = 400;
                Tally tally = t.client().tcp(VIP, 80).count(n).concurrency(32)
                        .connectTimeout(java.time.Duration.ofSeconds(5)).run();
                assertEquals(n, tally.answered(), farm.scheduler() + ": " + tally);
                double share = b0Weight / (b0Weight + 1.0);
                double sd = Math.sqrt(n * share * (1 - share));
                int got = tally.count("b0");
                assertTrue(Math.abs(got - n * share) < 4.5 * sd, "b0 (share " + share + ") got " + got + " of " + n
                        + ", expected " + Math.round(n * share) + " +- " + Math.round(4.5 * sd) + ": " + tally);
            }
        }
    }

    @Test
    void aBlacklistAppliesToDsrFarmsBeforeTheyForward() {
        try (Topology t = Topology.builder().backends(1).returnPath(ReturnPath.DIRECT).clientAddresses(2).start()) {
            t.backend(0).addLoopbackAddress(VIP);
            Farm farm = Farm.dsr(VIP).port(80).named("web").weighted(Backend.of("b0", t.backend(0).address()));
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out)).backend("b0", t.backend(0).macAddress());
            String bad = t.client().sourceAddresses().get(1);
            install(t, List.of(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(bad)),
                    List.of(farm), List.of(path));
            Tally good = Reachability.connect(t, VIP, t.client().address());
            Reachability.assertAnswered(good, "not listed " + t.client().address());
            Reachability.assertDropped(Reachability.connect(t, VIP, bad), "blacklisted " + bad);
            assertEquals(Map.of("b0", 3), good.countsByBackend(), good.toString());
        }
    }
}
