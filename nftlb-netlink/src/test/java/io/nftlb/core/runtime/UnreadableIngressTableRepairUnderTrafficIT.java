package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.TableSwitch;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The netdev table of a DSR farm (its ingress chain forwards each packet to a backend's MAC
 * address, the backends answer the clients directly) made unreadable again and again by a set
 * declared by hand, while connections run from several workers: the drift check makes the table
 * anew beside a stand-in ({@code TableSwitch}); the first ingress chain to forward a packet
 * decides, and the stand-in's forwards while the new table's sets are not published yet. No
 * connection may be refused, reset or left unanswered.
 */
@RequiresNetns
class UnreadableIngressTableRepairUnderTrafficIT {

    static final String VIP = "10.0.0.40";
    static final int CLIENT_ADDRESSES = 8;
    static final int REPAIRS = 40;

    @Test
    void repairsOfAnUnreadableNetdevTableLoseNoConnection() throws Exception {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.backends().forEach(b -> b.addLoopbackAddress(VIP));
            t.balancer().addAddress(VIP);
            String ns = t.balancer().namespace().name();
            String out = t.balancer().backendInterface();
            List<List<String>> drifts = new CopyOnWriteArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns))
                    .driftCheck(Duration.ofMillis(50)).listener(new CommitListener() {
                        @Override
                        public void drifted(List<String> differences, io.nftlb.core.ast.Transaction repair) {
                            drifts.add(differences);
                        }
                    }).open();
                 NetlinkTransport probe = NetlinkTransport.openInNamespace(ns)) {
                lb.setPath(DsrPath.of("web").in(t.balancer().clientInterface())
                        .out(out, t.balancer().namespace().macAddress(out))
                        .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress())).join();
                lb.apply(Farm.dsr(VIP).port(80).named("web").weighted(Backend.of("b0", t.backend(0).address()),
                        Backend.of("b1", t.backend(1).address()))).join();
                try (BackgroundRequests traffic = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(1000)
                        .concurrency(16).inBackground()) {
                    Thread.sleep(300);
                    for (int r = 0; r < REPAIRS; r++) {
                        int seen = drifts.size();
                        // A set without typeof: nothing this library makes, so its reader refuses the table.
                        t.balancer().namespace().nft("add set netdev nftlb byhand { type ipv4_addr; }\n");
                        Kernel.await(Duration.ofSeconds(20), () -> drifts.size() > seen
                                        && !t.balancer().namespace().listRuleset().contains("byhand"),
                                () -> "repair " + drifts.size() + ": " + drifts);
                        assertTrue(drifts.get(seen).toString().contains("cannot be read back"),
                                drifts.get(seen).toString());
                    }
                    Tally tally = traffic.stop();
                    System.out.println("[UnreadableIngressTableRepairUnderTrafficIT] " + REPAIRS + " repairs under "
                            + tally.requests() + " connections: " + tally.failed() + " failed "
                            + tally.failuresByReason());
                    assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                    assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                            + " connections failed during " + REPAIRS + " repairs");
                    assertEquals(java.util.Set.of("b0", "b1"), tally.backends(), tally.toString());
                }
                TableRef netdev = PolicyCompiler.TABLE;
                assertEquals(Optional.empty(), probe.read(TableSwitch.standIn(netdev)), "the stand-in is gone");
                assertTrue(probe.read(netdev).isPresent());
            }
        }
    }
}
