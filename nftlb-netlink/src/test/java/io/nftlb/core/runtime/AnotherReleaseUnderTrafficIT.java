package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import io.nftlb.core.internal.plan.TablePlanner;
import io.nftlb.core.internal.plan.TableSwitch;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A load balancer started again and again over a table "of another release": the same farms and
 * marks, but a set declared differently, so that no diff joins the two and the table must be
 * replaced. Short connections run from several workers through the whole test and each is
 * checked: the replacement goes through a stand-in table ({@code TableSwitch}), so none may be
 * refused, reset or left unanswered. The test puts the other release's table back between starts
 * the same way (three transactions), so every replacement in it is a switch.
 */
@RequiresNetns
class AnotherReleaseUnderTrafficIT {

    static final String VIP = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 8;
    static final int STARTS = 40;
    /** An empty set of every table, declared with a size by the "other release". */
    static final String REDECLARED = "hairpin6";

    @Test
    void startsOverATableDeclaredDifferentlyLoseNoConnection() throws Exception {
        try (Topology t = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(VIP);
            String ns = t.balancer().namespace().name();
            List<Farm> farms = List.of(web());
            LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(farms).open();
            Table ours = Expected.table(lb, lb.farms());
            Map<String, Long> marks = lb.marks("web");
            lb.close();
            Table other = otherRelease(ours);
            List<LongConnection> long_ = new ArrayList<>();
            try (NetlinkTransport probe = NetlinkTransport.openInNamespace(ns)) {
                switchTo(probe, other);
                assertEquals(Optional.empty(), TablePlanner.converge(probe.read(Layout.TABLE).orElseThrow(), ours,
                        probe.readForm(ours)), "no diff joins the other release's table to ours");
                for (int i = 0; i < 4; i++) {
                    long_.add(t.client().openLongConnection(VIP, 80));
                }
                try (BackgroundRequests traffic = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(1000)
                        .concurrency(16).inBackground()) {
                    Thread.sleep(300);
                    assertTrue(traffic.isRunning(), "the traffic stopped before the starts");
                    for (int s = 0; s < STARTS; s++) {
                        lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(farms).open();
                        try {
                            assertEquals(marks, lb.marks("web"), "marks recovered from the other release's table");
                            assertEquals(List.of(), Kernel.differences(probe, lb), "start " + s);
                        } finally {
                            lb.close(); // the rules stay in the kernel
                        }
                        assertEquals(Optional.empty(), probe.read(TableSwitch.standIn(Layout.TABLE)),
                                "the stand-in is gone");
                        switchTo(probe, other);
                    }
                    Tally tally = traffic.stop();
                    System.out.println("[AnotherReleaseUnderTrafficIT] " + STARTS + " starts over another release's "
                            + "table under " + tally.requests() + " connections: " + tally.failed() + " failed "
                            + tally.failuresByReason());
                    assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                    assertEquals(Map.of(), tally.failuresByReason(), STARTS + " starts: " + tally.failed() + " of "
                            + tally.requests() + " connections failed");
                    for (LongConnection c : long_) {
                        assertEquals(c.backend() + " after", c.exchange("after"), "a long connection opened before");
                    }
                }
            } finally {
                long_.forEach(LongConnection::close);
            }
        }
    }

    /** Ours, with {@link #REDECLARED} given a size: a declaration that no diff can change. */
    static Table otherRelease(Table ours) {
        List<NamedSet> sets = ours.sets().stream()
                .map(s -> s.name().equals(REDECLARED) ? s.withSize(1024) : s).toList();
        return new Table(ours.family(), ours.name(), sets, ours.objects(), ours.flowtables(), ours.chains());
    }

    /** Replaces the kernel's table by {@code table} the way the library does: beside a stand-in. */
    static void switchTo(NetlinkTransport kernel, Table table) {
        kernel.commit(TableSwitch.standIns(List.of(table)));
        kernel.commit(SkeletonPlanner.create(table));
        kernel.commit(TableSwitch.retire(List.of(table)));
    }

    /** Three backends: the long connections may land on any of them. */
    static Farm web() {
        return Farm.dnat(VIP).port(80).named("web").weighted(Backend.of("b0", "10.1.0.10"),
                Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12").weight(2));
    }
}
