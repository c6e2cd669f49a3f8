package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.netlink.Conntrack;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Start-up over netlink: a table that already is what the farms compile to is adopted without a
 * commit (the kernel's generation does not move, live connections carry on); any other table of
 * ours is replaced; tables that are not ours are never touched.
 */
@RequiresNetns
class LoadBalancerStartUpIT {

    static final String VIP = "10.0.0.40";
    static final String FOREIGN = """
            table ip foreign {
              set blocked { type ipv4_addr; elements = { 192.0.2.1 } }
              chain input { type filter hook input priority 0; policy accept; ip saddr @blocked drop; }
            }
            """;

    static Farm web() {
        return Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                Backend.of("b1", "10.1.0.11"));
    }

    @Test
    void aMatchingTableIsAdoptedWithoutACommitAndItsConnectionsCarryOn() throws Exception {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start()) {
            NetworkNamespace ns = t.balancer().namespace();
            t.balancer().addAddress(VIP);
            ns.nft(FOREIGN);
            String foreign = ns.execOrThrow("nft", "list", "table", "ip", "foreign").stdout();
            // An earlier run of the program: it leaves its table in the kernel when it ends.
            try (LoadBalancer earlier = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                    .farms(List.of(web())).open();
                 NetlinkTransport probe = probe(ns)) {
                assertEquals(List.of(), Kernel.differences(probe, earlier));
            }
            try (LongConnection live = t.client().openLongConnection(VIP, 80);
                 NetlinkTransport probe = probe(ns);
                 Conntrack conntrack = Conntrack.openInNamespace(ns.name())) {
                long generation = probe.generation();
                List<Transaction> committed = new ArrayList<>();
                try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                        .farms(List.of(web())).listener(recorder(committed)).open()) {
                    assertEquals(generation, probe.generation(), "the kernel's generation moved: something was committed");
                    assertEquals(List.of(), committed);
                    assertEquals(List.of(), Kernel.differences(probe, lb));
                    assertEquals(live.backend() + " still", live.exchange("still"));
                    long mark = lb.marks("web").get(live.backend());
                    assertEquals(1L, conntrack.countByMark().getOrDefault(mark, 0L),
                            "the live connection's entry, mark " + mark + ": " + conntrack.countByMark());
                    // the next connection continues the round robin where the first run left it
                    try (LongConnection next = t.client().openLongConnection(VIP, 80)) {
                        assertNotEquals(live.backend(), next.backend(), "round robin restarted at the first backend");
                    }
                }
            }
            assertEquals(foreign, ns.execOrThrow("nft", "list", "table", "ip", "foreign").stdout());
        }
    }

    @Test
    void aForeignTableIsReplacedBesideAStandInAndADifferentOneOfOursPatchedInOneTransaction(NetworkNamespace ns) {
        ns.nft(FOREIGN);
        // A set declared by hand (no typeof) cannot be read back as ours: that table is replaced.
        ns.nft("table inet nftlb { set stale { type ipv4_addr; }; chain farm-old { counter; }; }");
        String foreign = ns.execOrThrow("nft", "list", "table", "ip", "foreign").stdout();
        try (NetlinkTransport probe = probe(ns)) {
            boolean first = true;
            for (Farm farm : List.of(web(), web().backend("b1", b -> b.weight(5)).withoutBackend("b0"))) {
                long generation = probe.generation();
                List<Transaction> committed = new ArrayList<>();
                try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                        .farms(List.of(farm)).listener(recorder(committed)).open()) {
                    // Replaced beside a stand-in: the stand-in, the replacement, the stand-in deleted.
                    assertEquals(generation + (first ? 3 : 1), probe.generation(),
                            first ? "the switch's three transactions" : "one transaction, and only one");
                    assertEquals(1, committed.size(), committed.toString());
                    List<Op> ops = committed.get(0).ops();
                    if (first) {
                        assertEquals(List.of(new Op.AddTable(Layout.TABLE), new Op.DeleteTable(Layout.TABLE)),
                                ops.subList(0, 2), "the hand-made table is replaced");
                    } else {
                        assertTrue(ops.stream().noneMatch(op -> op instanceof Op.AddTable || op instanceof Op.DeleteTable
                                || op instanceof Op.AddChain || op instanceof Op.DeleteChain || op instanceof Op.AddSet
                                || op instanceof Op.DeleteSet), "our table with another farm is patched, not rebuilt: "
                                + ops.stream().map(Op::describe).toList());
                    }
                    assertEquals(List.of(), Kernel.differences(probe, lb));
                }
                first = false;
                assertEquals(foreign, ns.execOrThrow("nft", "list", "table", "ip", "foreign").stdout());
            }
            assertFalse(ns.listRuleset().contains("stale"), ns.listRuleset());
        }
    }

    /**
     * The netdev table of policies is adopted like the inet table when it matches (a restart
     * commits nothing), and replaced alone when only the policies differ.
     */
    @Test
    void aMatchingPolicyTableIsAdoptedAndADifferentOneChangedAlone(NetworkNamespace ns) {
        Policy before = Policy.blacklist("bad").on("lo").networks("192.0.2.0/24");
        Policy after = Policy.blacklist("bad").on("lo").networks("198.51.100.0/24");
        try (LoadBalancer earlier = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                .farms(List.of(web())).policies(List.of(before)).open()) {
            assertEquals(List.of(before), earlier.policies());
        }
        try (NetlinkTransport probe = probe(ns)) {
            long generation = probe.generation();
            List<Transaction> committed = new ArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                    .farms(List.of(web())).policies(List.of(before)).listener(recorder(committed)).open()) {
                assertEquals(generation, probe.generation(), "the kernel's generation moved: something was committed");
                assertEquals(List.of(), committed);
            }
            generation = probe.generation();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                    .farms(List.of(web())).policies(List.of(after)).listener(recorder(committed)).open()) {
                assertEquals(generation + 1, probe.generation(), "one transaction, and only one");
                assertEquals(1, committed.size(), committed.toString());
                assertTrue(committed.get(0).ops().stream().allMatch(op -> op.table().equals(PolicyCompiler.TABLE)),
                        "only the netdev table changes: " + committed.get(0).ops().stream().map(Op::describe).toList());
                assertEquals(List.of(), Kernel.differences(probe, lb));
                String policies = ns.execOrThrow("nft", "list", "table", "netdev", "nftlb").stdout();
                assertTrue(policies.contains("198.51.100.0/24") && !policies.contains("192.0.2.0/24"), policies);
            }
        }
    }

    /** A netdev table with DSR and stateless dNAT farms is adopted too: a restart commits nothing. */
    @Test
    void aMatchingTableOfIngressFarmsIsAdopted(NetworkNamespace ns) {
        List<Farm> farms = Kernel.ingressFarms();
        List<DsrPath> paths = Kernel.ingressPaths();
        try (LoadBalancer earlier = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms)
                .paths(paths).open()) {
            assertEquals(2, earlier.farms().size());
        }
        try (NetlinkTransport probe = probe(ns)) {
            long generation = probe.generation();
            List<Transaction> committed = new ArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms)
                    .paths(paths).listener(recorder(committed)).open()) {
                assertEquals(generation, probe.generation(), "the kernel's generation moved: something was committed");
                assertEquals(List.of(), committed);
            }
        }
    }

    static NetlinkTransport probe(NetworkNamespace ns) {
        return NetlinkTransport.openInNamespace(ns.name());
    }

    static CommitListener recorder(List<Transaction> committed) {
        return new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                committed.add(transaction);
            }
        };
    }
}
