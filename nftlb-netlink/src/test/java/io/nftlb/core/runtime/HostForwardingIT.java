package io.nftlb.core.runtime;

import static io.nftlb.testkit.Reachability.assertAnswered;
import static io.nftlb.testkit.Reachability.assertDropped;
import static io.nftlb.testkit.Reachability.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.Policy;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.Balancer;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Host forwarding (nftlb's local mode) with real connections: the farm's connections reach the
 * balancer's own server on the virtual address, unchanged (it sees the client's address), and
 * never a backend, while the farm's guards apply: a blacklist naming the farm drops its members,
 * and the farm's log rule is in its chain.
 */
@RequiresNetns
class HostForwardingIT {

    static final String VIP = "10.0.0.40";

    @Test
    void connectionsReachThisHostAsAddressedThroughTheFarmsGuards() throws Exception {
        try (Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(2).start();
             AutoCloseable servers = t.balancer().serve(80)) {
            t.balancer().addAddress(VIP);
            String good = t.client().sourceAddresses().get(0);
            String bad = t.client().sourceAddresses().get(1);
            Farm farm = Farm.host(VIP).port(80).named("svc")
                    .inspection(Inspection.none().log("svc-new "));
            Policy blacklist = Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(bad).forFarm("svc");
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .farms(List.of(farm)).policies(List.of(blacklist)).open()) {
                Tally tally = t.client().tcp(VIP, 80).from(good).count(5).run();
                assertEquals(5, tally.answered(), tally.toString());
                assertEquals(Set.of(Balancer.NAME), tally.backends(), "this host's server answers: " + tally);
                assertEquals(Set.of(good), tally.peersByBackend().get(Balancer.NAME), "not NATed: " + tally);
                assertDropped(connect(t, VIP, bad), "blacklisted for the farm " + bad);
                assertAnswered(connect(t, VIP, good), "not listed " + good);
                assertTrue(t.balancer().namespace().listRuleset().contains("log prefix \"svc-new \""),
                        "the farm's log is in its chain:\n" + t.balancer().namespace().listRuleset());
                assertTrue(lb.explain("svc").orElseThrow().contains("host"), lb.explain("svc").orElseThrow());
            }
        }
    }
}
