package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Someone else deletes part of the library's table, and a change comes before any drift check
 * (there is none here): the kernel refuses the change's transaction (an object it names is
 * missing), so the load balancer puts its table back at once and commits the change again. The
 * caller sees the change succeed and the kernel ends up with everything.
 */
@RequiresNetns
class CommitAfterTamperingIT {

    static List<Farm> farms() {
        return List.of(Farm.dnat("10.0.0.40").port(80).named("web").weighted(Backend.of("b0", "10.1.0.10"),
                        Backend.of("b1", "10.1.0.11")),
                Farm.dnat("10.0.0.41").port(80).named("shop").roundRobin(Backend.of("s0", "10.1.0.12")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"delete table inet nftlb", "delete element", "flush ruleset"})
    void aChangeAfterSomeoneDeletedOurObjectsSucceeds(String tampering, NetworkNamespace ns) {
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms()).open();
             NetlinkTransport probe = NetlinkTransport.openInNamespace(ns.name())) {
            long mark = lb.marks("shop").get("s0");
            ns.nft(tampering.equals("delete element") ? "delete element inet nftlb dnat4 { " + mark + " }" : tampering);
            // Deletes s0's element, which the tampering deleted first: the kernel refuses with ENOENT.
            lb.update(c -> c.remove("shop")
                    .apply(Farm.dnat("10.0.0.42").port(80).named("new").roundRobin(Backend.of("n0", "10.1.0.13"))))
                    .join();
            assertEquals(List.of(), Kernel.differences(probe, lb), "the kernel has the table and the change");
            assertEquals(List.of("web", "new"), lb.farms().stream().map(Farm::name).toList());
        }
    }
}
