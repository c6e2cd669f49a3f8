package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Persistence and static sessions of a dual-stack stateless dNAT farm at ingress, with real
 * connections over netlink (nft 1.0.6 cannot load its IPv6 persistence rules, the kernel can): a
 * pinned client port, a pinned client address and remembered clients each keep their backend
 * while it serves, and leave it when it is down.
 */
@RequiresNetns
class StatelessDnatSessionsIT {

    static final String VIP = "10.0.0.40", VIP6 = "fd00::40";

    @Test
    void pinnedAndRememberedClientsKeepTheirBackendWhileItServes() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).ipv6(true)
                .clientAddresses(2).start()) {
            String pinned = t.client().sourceAddresses().get(0);
            String other = t.client().sourceAddresses().get(1);
            String pinned6 = t.client().sourceAddresses6().get(0);
            String other6 = t.client().sourceAddresses6().get(1);
            Farm farm = Farm.statelessDnat(VIP, VIP6).port(80).named("web")
                    .weighted(Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()),
                            Backend.of("b0v6", t.backend(0).address6()), Backend.of("b1v6", t.backend(1).address6()))
                    .persistent(Duration.ofMinutes(5))
                    .staticSession(pinned, "b0").staticSession(pinned, 41001, "b1").staticSession(pinned, 41002, "b1")
                    .staticSession(pinned6, "b1v6");
            String in = t.balancer().clientInterface();
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(in, t.balancer().namespace().macAddress(in))
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress())
                    .backend("b0v6", t.backend(0).macAddress()).backend("b1v6", t.backend(1).macAddress());
            t.balancer().addAddress(VIP);
            t.balancer().addAddress(VIP6);
            for (String family : List.of("iptables", "ip6tables")) {
                t.balancer().namespace().execOrThrow("sysctl", "-qw", "net.bridge.bridge-nf-call-" + family + "=0");
            }
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .paths(List.of(path)).farms(List.of(farm)).open()) {
                Tally port = t.client().tcp(VIP, 80).from(pinned).fromPort(41001).count(1).run();
                assertEquals(Set.of("b1"), port.backends(), pinned + " port 41001 is pinned to b1: " + port);
                Tally address = t.client().tcp(VIP, 80).from(pinned).count(8).run();
                assertEquals(Map.of("b0", 8), address.countsByBackend(), "its other ports follow its address: " + address);
                Tally address6 = t.client().tcp(VIP6, 80).from(pinned6).count(8).run();
                assertEquals(Map.of("b1", 8), address6.countsByBackend(), pinned6 + " is pinned to b1v6: " + address6);
                int n = 24;
                Tally remembered = t.client().tcp(VIP, 80).from(other).count(n).run();
                assertEquals(n, remembered.answered(), remembered.toString());
                assertEquals(1, remembered.backends().size(), n + " connections of one client, each from its own"
                        + " port (hashed over both backends without persistence), on one backend: " + remembered);
                Tally remembered6 = t.client().tcp(VIP6, 80).from(other6).count(n).run();
                assertEquals(n, remembered6.answered(), remembered6.toString());
                assertEquals(1, remembered6.backends().size(), "IPv6, on one backend: " + remembered6);

                lb.setState("web", "b1", BackendState.DOWN).join();
                lb.setState("web", "b1v6", BackendState.DOWN).join();
                Tally portDown = t.client().tcp(VIP, 80).from(pinned).fromPort(41002).count(1).run();
                assertEquals(Set.of("b0"), portDown.backends(), "b1 down: the pinned port goes elsewhere: " + portDown);
                Tally address6Down = t.client().tcp(VIP6, 80).from(pinned6).count(8).run();
                assertEquals(Map.of("b0", 8), address6Down.countsByBackend(), "b1v6 down: " + address6Down);
                Tally rememberedDown = t.client().tcp(VIP, 80).from(other).count(8).run();
                assertEquals(Map.of("b0", 8), rememberedDown.countsByBackend(), "b1 down: " + rememberedDown);

                lb.setState("web", "b1", BackendState.UP).join();
                lb.setState("web", "b0", BackendState.DOWN).join();
                Tally addressDown = t.client().tcp(VIP, 80).from(pinned).count(8).run();
                assertEquals(Map.of("b1", 8), addressDown.countsByBackend(), "b0 down: " + addressDown);
            }
        }
    }
}
