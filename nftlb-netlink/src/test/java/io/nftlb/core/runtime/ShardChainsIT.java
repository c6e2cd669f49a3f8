package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Farms whose rules share a shard chain (farm ids 0, 512 and 1024 share {@code shard4-0}) each
 * send their own service to their own backends, and the shard follows farms that come, go and
 * move to a chain of their own: the kernel, read back through netlink, holds what the load
 * balancer committed after each step, and traffic goes where it should.
 */
@RequiresNetns
class ShardChainsIT {

    static final String VIP = "10.0.0.40";

    /** f0 serves port 80 from b0, f512 port 81 from b1; the others are unused ports of b0. */
    static Farm farm(int i) {
        int port = i == 0 ? 80 : i == 512 ? 81 : 2000 + i;
        String backend = i == 512 ? "b1" : "b0";
        return Farm.dnat(VIP).port(port).named("f" + i)
                .weighted(Backend.of(backend, i == 512 ? "10.1.0.11" : "10.1.0.10").port(port));
    }

    @Test
    void farmsSharingAShardChainEachServeTheirOwnService() throws Exception {
        try (Topology t = Topology.builder().backends(2).ports(80, 81).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(NetlinkTransport.openInNamespace(t.balancer().namespace().name()));
             NetlinkTransport probe = NetlinkTransport.openInNamespace(t.balancer().namespace().name())) {
            t.balancer().addAddress(VIP);
            lb.update(c -> {
                for (int i = 0; i <= 1024; i++) {
                    c.apply(farm(i));
                }
            }).join();
            assertEquals(List.of(), Kernel.differences(probe, lb));
            for (String f : List.of("f0", "f512", "f1024")) {
                assertTrue(lb.explain(f).orElseThrow().contains("goes to chain shard4-0 "), lb.explain(f).orElseThrow());
            }
            assertServes(t, 80, "b0");
            assertServes(t, 81, "b1");

            lb.remove("f0").join(); // f512 and f1024 stay: the shard is refilled with their rules
            assertEquals(List.of(), Kernel.differences(probe, lb));
            assertServes(t, 81, "b1");
            Tally none = t.client().connectTcp(VIP, 80, 3);
            assertEquals(3, none.failed(), "no farm on port 80 any more: " + none);

            // limits need rules of their own: f512 moves to its own chain, the shard keeps f1024
            lb.apply(farm(512).limits(Limits.none().newConnections(Rate.perSecond(1000)))).join();
            assertEquals(List.of(), Kernel.differences(probe, lb));
            assertTrue(lb.explain("f512").orElseThrow().contains("goes to chain farm-f512"));
            assertServes(t, 81, "b1");

            lb.apply(farm(0)).join();
            assertEquals(List.of(), Kernel.differences(probe, lb));
            assertServes(t, 80, "b0");
            assertServes(t, 81, "b1");
        }
    }

    private static void assertServes(Topology t, int port, String backend) {
        Tally tally = t.client().connectTcp(VIP, port, 10);
        assertEquals(Map.of(backend, 10), tally.countsByBackend(), "port " + port + ": " + tally);
    }
}
