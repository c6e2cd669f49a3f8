package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.TableSwitch;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
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
 * Someone declares a set by hand in the load balancer's table, again and again, while
 * connections run from several workers: the table can no longer be read back, so the drift check
 * cannot diff it and makes it anew, beside a stand-in table that serves meanwhile
 * ({@code TableSwitch}). No connection may be refused, reset or left unanswered, and a long
 * connection opened before must still work after.
 */
@RequiresNetns
class UnreadableTableRepairUnderTrafficIT {

    static final String WEB = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 8;
    static final int REPAIRS = 40;

    @Test
    void repairsOfAnUnreadableTableLoseNoConnection() throws Exception {
        try (Topology t = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(WEB);
            String ns = t.balancer().namespace().name();
            Farm web = Farm.dnat(WEB).port(80).named("web").weighted(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12").weight(2));
            List<List<String>> drifts = new CopyOnWriteArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(List.of(web))
                    .driftCheck(Duration.ofMillis(50)).listener(new CommitListener() {
                        @Override
                        public void drifted(List<String> differences, io.nftlb.core.ast.Transaction repair) {
                            drifts.add(differences);
                        }
                    }).open();
                 NetlinkTransport probe = NetlinkTransport.openInNamespace(ns);
                 LongConnection live = t.client().openLongConnection(WEB, 80);
                 BackgroundRequests traffic = t.client().tcp(WEB, 80).fromAllSourceAddresses().count(1000)
                         .concurrency(16).inBackground()) {
                Thread.sleep(300);
                for (int r = 0; r < REPAIRS; r++) {
                    int seen = drifts.size();
                    // A set without typeof: nothing this library makes, so its reader refuses the table.
                    t.balancer().namespace().nft("add set inet nftlb byhand { type ipv4_addr; }\n");
                    Kernel.await(Duration.ofSeconds(20), () -> drifts.size() > seen && repaired(probe, lb),
                            () -> "repair " + drifts.size() + ": " + drifts);
                    assertTrue(drifts.get(seen).toString().contains("cannot be read back"), drifts.get(seen).toString());
                }
                Tally tally = traffic.stop();
                System.out.println("[UnreadableTableRepairUnderTrafficIT] " + REPAIRS + " repairs under "
                        + tally.requests() + " connections: " + tally.failed() + " failed " + tally.failuresByReason());
                assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                        + " connections failed during " + REPAIRS + " repairs");
                assertEquals(live.backend() + " after", live.exchange("after"));
                assertEquals(Optional.empty(), probe.read(TableSwitch.standIn(Layout.TABLE)), "the stand-in is gone");
            }
        }
    }

    /** Whether the table reads back as the load balancer's farms (false while it cannot be read). */
    private static boolean repaired(NetlinkTransport probe, LoadBalancer lb) {
        try {
            return Kernel.differences(probe, lb).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
