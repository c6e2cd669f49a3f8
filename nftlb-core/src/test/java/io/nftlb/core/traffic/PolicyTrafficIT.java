package io.nftlb.core.traffic;

import static io.nftlb.testkit.Reachability.assertAnswered;
import static io.nftlb.testkit.Reachability.assertDropped;
import static io.nftlb.testkit.Reachability.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blacklists and whitelists at the balancer's ingress, through the load balancer, proven with real connections. */
@RequiresNetns
class PolicyTrafficIT {

    static final String VIP = "10.0.0.40", VIP6 = "fd00::40", OTHER = "10.0.0.41";

    /** Two farms: "web" (IPv4 and IPv6) and "other"; a client with 4 sources per family. */
    static Topology topology() {
        Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).ipv6(true).clientAddresses(4)
                .start();
        t.balancer().addAddress(VIP);
        t.balancer().addAddress(VIP6);
        t.balancer().addAddress(OTHER);
        return t;
    }

    static List<Farm> farms(Topology t) {
        return List.of(Farm.dnat(VIP, VIP6).port(80).named("web").roundRobin(
                        Backend.of("b0", t.backend(0).address()), Backend.of("b0v6", t.backend(0).address6())),
                Farm.dnat(OTHER).port(80).named("other").roundRobin(Backend.of("b0", t.backend(0).address())));
    }

    /** A load balancer with these farms, which the policies then cover. */
    static LoadBalancer loadBalancer(Topology t, List<Farm> farms) {
        return LoadBalancer.builder(NftCliTransport.inNamespace(t.balancer().namespace().name())).farms(farms).open();
    }

    @Test
    void aBlacklistedSourceCannotConnectWhileOthersCan() {
        try (Topology t = topology()) {
            List<Farm> farms = farms(t);
            List<String> v4 = t.client().sourceAddresses();
            List<String> v6 = t.client().sourceAddresses6();
            try (LoadBalancer p = loadBalancer(t, farms)) {
                p.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface())
                        .networks(v4.get(1), v6.get(1) + "-" + v6.get(2))).join();
                assertDropped(connect(t, VIP, v4.get(1)), "blacklisted " + v4.get(1) + " to web");
                assertDropped(connect(t, OTHER, v4.get(1)), "blacklisted " + v4.get(1) + " to other (all farms)");
                assertAnswered(connect(t, VIP, v4.get(2)), "not listed " + v4.get(2) + " to web");
                assertDropped(connect(t, VIP6, v6.get(1)), "blacklisted " + v6.get(1) + " (range) to web");
                assertDropped(connect(t, VIP6, v6.get(2)), "blacklisted " + v6.get(2) + " (range) to web");
                assertAnswered(connect(t, VIP6, v6.get(3)), "not listed " + v6.get(3) + " to web");
            }
        }
    }

    @Test
    void aWhitelistAdmitsOnlyItsMembersToItsFarm() {
        try (Topology t = topology()) {
            List<Farm> farms = farms(t);
            List<String> v4 = t.client().sourceAddresses();
            try (LoadBalancer p = loadBalancer(t, farms)) {
                p.applyPolicy(Policy.whitelist("staff").on(t.balancer().clientInterface()).forFarm("web")
                        .networks(v4.get(1))).join();
                assertAnswered(connect(t, VIP, v4.get(1)), "member " + v4.get(1) + " to web");
                assertDropped(connect(t, VIP, v4.get(2)), "non-member " + v4.get(2) + " to web");
                assertAnswered(connect(t, OTHER, v4.get(2)), "non-member " + v4.get(2) + " to other (not covered)");
                assertDropped(connect(t, VIP6, t.client().address6()),
                        "non-member " + t.client().address6() + " to web over IPv6");
            }
        }
    }

    @Test
    void networksAddedAtRunTimeTakeEffectOnTheNextConnection() {
        try (Topology t = topology()) {
            List<Farm> farms = farms(t);
            String source = t.client().sourceAddresses().get(3);
            try (LoadBalancer p = loadBalancer(t, farms)) {
                p.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks("192.0.2.0/24"))
                        .join();
                assertAnswered(connect(t, VIP, source), source + " before it is listed");
                p.addNetworks("bad", source).join();
                assertDropped(connect(t, VIP, source), source + " once added");
                p.removeNetworks("bad", source).join();
                assertAnswered(connect(t, VIP, source), source + " once removed");
            }
        }
    }
}
