package io.nftlb.daemon;

import static io.nftlb.testkit.Reachability.assertAnswered;
import static io.nftlb.testkit.Reachability.assertDropped;
import static io.nftlb.testkit.Reachability.connect;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * nftlb's policies through the daemon, with real connections: a farm names a blacklist, the
 * daemon finds the device that holds the farm's virtual address (as nftlb does) and enforces
 * the list at its ingress; a client on the list cannot connect, another can; a network posted
 * to the policy through a configuration change takes effect on the next connection.
 */
@RequiresNetns
class DaemonPolicyTrafficIT {

    static final String VIP = "10.0.0.40";

    @Test
    void aBlacklistNamedByAFarmDropsItsClientsAndTakesNewMembers() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(3).start()) {
            t.balancer().addAddress(VIP); // on the client side's device, which the daemon finds
            String good = t.client().sourceAddresses().get(0);
            String bad = t.client().sourceAddresses().get(1);
            String later = t.client().sourceAddresses().get(2);
            String config = """
                    {"policies": [{"name": "black001", "type": "blacklist", "elements": [{"data": "%s"}]}],
                     "farms": [{"name": "lb01", "virtual-addr": "%s", "virtual-ports": "80", "mode": "dnat",
                       "scheduler": "rr", "policies": [{"name": "black001"}],
                       "backends": [{"name": "bck0", "ip-addr": "%s"}, {"name": "bck1", "ip-addr": "%s"}]}]}
                    """.formatted(bad, VIP, t.backend(0).address(), t.backend(1).address());
            String ns = t.balancer().namespace().name();
            try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns), ConfigMapper.parse(config),
                    DeviceFinder.ip(Optional.of(ns)))) {
                assertAnswered(connect(t, VIP, good), "not listed " + good);
                assertDropped(connect(t, VIP, bad), "blacklisted " + bad);
                assertAnswered(connect(t, VIP, later), "not listed yet " + later);
                daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse("""
                        {"policies": [{"name": "black001", "type": "blacklist",
                          "elements": [{"data": "%s"}, {"data": "%s"}]}]}""".formatted(bad, later))));
                assertDropped(connect(t, VIP, later), "blacklisted since the change " + later);
                assertAnswered(connect(t, VIP, good), "still not listed " + good);
            }
        }
    }
}
