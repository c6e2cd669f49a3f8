package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Static sessions by client port with real connections: a client's connections from a pinned
 * source port go to that port's backend, its other connections follow the static session of its
 * address, and another client is scheduled (b0 has weight 100 to b1's 1, so a connection that
 * reaches b1 by chance is one in a hundred).
 */
@RequiresNetns
class PortSessionsIT {

    static final String VIP = "10.0.0.40";
    static final int[] PINNED_PORTS = {41001, 41002, 41003, 41004};

    @Test
    void aPinnedPortWinsOverItsClientsPinnedAddress() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(2).start()) {
            t.balancer().addAddress(VIP);
            String pinned = t.client().sourceAddresses().get(0);
            String other = t.client().sourceAddresses().get(1);
            Farm farm = Farm.snat(VIP).port(80).named("web")
                    .weighted(Backend.of("b0", t.backend(0).address()).weight(100),
                            Backend.of("b1", t.backend(1).address()).weight(1))
                    .staticSession(pinned, "b0");
            for (int port : PINNED_PORTS) {
                farm = farm.staticSession(pinned, port, "b1");
            }
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .farms(List.of(farm)).open()) {
                for (int port : PINNED_PORTS) {
                    Tally tally = t.client().tcp(VIP, 80).from(pinned).fromPort(port).count(1).run();
                    assertEquals(Set.of("b1"), tally.backends(), pinned + " port " + port + " is pinned to b1: " + tally);
                }
                Tally byAddress = t.client().tcp(VIP, 80).from(pinned).count(8).run();
                assertEquals(Set.of("b0"), byAddress.backends(), "its other ports follow its address: " + byAddress);
                Tally scheduled = t.client().tcp(VIP, 80).from(other).count(8).run();
                assertEquals(8, scheduled.answered(), scheduled.toString());
                assertTrue(lb.explain("web").orElseThrow().contains(pinned + " . 41001 -> b1"), lb.explain("web").orElseThrow());
            }
        }
    }
}
