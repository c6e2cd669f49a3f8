package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * nftlb's dsr mode through the daemon, with real connections: the farm's {@code iface},
 * {@code oface} and {@code ether-addr} and each backend's {@code ether-addr} become the farm's
 * link layer; backends hold the VIP on loopback and answer the clients directly, with the
 * clients' own addresses as peers (no NAT anywhere).
 */
@RequiresNetns
class DaemonDsrTrafficIT {

    static final String VIP = "10.0.0.40";

    @Test
    void aDsrFarmFromNftlbsFieldsForwardsByMacAndBackendsAnswerDirectly() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).clientAddresses(16).start()) {
            t.backends().forEach(b -> b.addLoopbackAddress(VIP));
            t.balancer().addAddress(VIP); // answers ARP for the VIP; its ingress takes the packets before IP
            String out = t.balancer().backendInterface();
            String config = """
                    {"farms": [{"name": "lb01", "family": "ipv4", "virtual-addr": "%s", "virtual-ports": "80",
                      "mode": "dsr", "protocol": "tcp", "scheduler": "hash", "state": "up",
                      "iface": "%s", "oface": "%s", "ether-addr": "%s",
                      "backends": [
                        {"name": "bck0", "ip-addr": "%s", "ether-addr": "%s", "weight": "1"},
                        {"name": "bck1", "ip-addr": "%s", "ether-addr": "%s", "weight": "1"}]}]}
                    """.formatted(VIP, t.balancer().clientInterface(), out, t.balancer().namespace().macAddress(out),
                    t.backend(0).address(), t.backend(0).macAddress(), t.backend(1).address(), t.backend(1).macAddress());
            try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(t.balancer().namespace().name()),
                    ConfigMapper.parse(config))) {
                int n = 64;
                Tally tally = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(n).run();
                assertEquals(n, tally.answered(), n + " connections, " + tally.answered() + " answered: " + tally);
                assertEquals(Set.of("b0", "b1"), tally.backends(), "16 sources hashed over 2 backends: " + tally);
                Set<String> peers = new HashSet<>();
                tally.peersByBackend().values().forEach(peers::addAll);
                assertTrue(t.client().sourceAddresses().containsAll(peers), "peers " + peers + " are client sources");
                String inet = t.balancer().namespace().execOrThrow("conntrack", "-L").stdout();
                assertTrue(!inet.contains("dport=80"), "the balancer tracked no connection to port 80: " + inet);
            }
        }
    }
}
