package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.TableComparison;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Someone else changes the library's table with nft; the load balancer's periodic check finds
 * it and puts the table back before a deadline, and its listener hears of it. The deadline is
 * generous (the check runs every 100 ms): the test asserts that a repair happens, not how fast.
 */
@RequiresNetns
class DriftRepairIT {

    static final Duration CHECK = Duration.ofMillis(100);
    static final Duration DEADLINE = Duration.ofSeconds(20);

    static List<Farm> farms() {
        return List.of(
                Farm.dnat("10.0.0.40").port(80).named("web").weighted(Backend.of("b0", "10.1.0.10").weight(3),
                        Backend.of("b1", "10.1.0.11").weight(1)),
                Farm.snat("10.0.0.41").ports(80, 443).named("shop").roundRobin(Backend.of("s0", "10.1.0.12"))
                        .persistent(Duration.ofMinutes(5)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flush ruleset", "delete table inet nftlb", "delete element", "add rule",
            "flush chain inet nftlb shard4-0"}) // web's rule is in shard chain shard4-0, shop has a chain of its own
    void aChangeBySomeoneElseIsRepaired(String tampering, NetworkNamespace ns) throws InterruptedException {
        List<List<String>> drifts = new CopyOnWriteArrayList<>();
        List<Transaction> repairs = new CopyOnWriteArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms())
                .driftCheck(CHECK).listener(new CommitListener() {
                    @Override
                    public void drifted(List<String> differences, Transaction repair) {
                        drifts.add(differences);
                        repairs.add(repair);
                    }
                }).open();
             NetlinkTransport probe = NetlinkTransport.openInNamespace(ns.name())) {
            assertEquals(List.of(), Kernel.differences(probe, lb));
            long mark = lb.marks("web").get("b0");
            ns.nft(switch (tampering) {
                case "delete element" -> "delete element inet nftlb dnat4 { " + mark + " }";
                case "add rule" -> "add rule inet nftlb farm-shop counter";
                default -> tampering;
            });
            // The drift seen proves the tampering changed something: comparing here instead would race
            // the check, which may already have put the table back.
            Kernel.await(DEADLINE, () -> !drifts.isEmpty() && Kernel.differences(probe, lb).isEmpty(),
                    () -> "drifts seen " + drifts + ", kernel differs by " + Kernel.differences(probe, lb));
            assertEquals(1, drifts.size(), "one drift, one repair: " + drifts);
            assertFalse(drifts.get(0).isEmpty(), "a drift names what differed");
            List<Op> ops = repairs.get(0).ops();
            boolean gone = tampering.equals("flush ruleset") || tampering.startsWith("delete table");
            assertEquals(gone, ops.stream().anyMatch(op -> op instanceof Op.AddTable || op instanceof Op.DeleteTable),
                    "only a table that is gone is made anew; the rest is a diff: "
                            + ops.stream().map(Op::describe).toList());
            if (tampering.equals("delete element")) {
                assertEquals(List.of("add element inet nftlb dnat4 (1 elements)"),
                        ops.stream().map(Op::describe).toList(), "the missing element, and nothing else");
            }
            // and it stays repaired: the load balancer still commits on top of it
            lb.setWeight("web", "b1", 7).join();
            assertEquals(List.of(), Kernel.differences(probe, lb));
            System.out.println("[DriftRepairIT] " + tampering + " -> " + drifts.get(0) + "; repair of "
                    + repairs.get(0).ops().size() + " ops");
        }
    }

    /**
     * The netdev table of policies is the load balancer's too: a blacklist deleted or emptied
     * behind its back would let banned clients in. The oracle is the table the kernel held
     * before the tampering, read back through netlink.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flush ruleset", "delete table netdev nftlb", "delete element"})
    void aChangeToThePolicyTableIsRepaired(String tampering, NetworkNamespace ns) throws InterruptedException {
        Policy blacklist = Policy.blacklist("bad").on("lo").networks("192.0.2.0/24", "198.51.100.7");
        List<List<String>> drifts = new CopyOnWriteArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms())
                .policies(List.of(blacklist)).driftCheck(CHECK).listener(new CommitListener() {
                    @Override
                    public void drifted(List<String> differences, Transaction repair) {
                        drifts.add(differences);
                    }
                }).open();
             NetlinkTransport probe = NetlinkTransport.openInNamespace(ns.name())) {
            Table committed = probe.read(PolicyCompiler.TABLE).orElseThrow();
            assertFalse(committed.sets().isEmpty(), "the policy's sets: " + committed);
            ns.nft(switch (tampering) {
                case "delete element" -> "delete element netdev nftlb " + PolicyCompiler.membersSet("bad", false)
                        + " { 198.51.100.7 }";
                default -> tampering;
            });
            // The drift seen (naming the netdev table, below) proves the tampering changed something.
            Kernel.await(DEADLINE, () -> !drifts.isEmpty() && policyDifferences(probe, committed).isEmpty()
                            && Kernel.differences(probe, lb).isEmpty(),
                    () -> "drifts seen " + drifts + ", policy table differs by " + policyDifferences(probe, committed)
                            + ", inet table by " + Kernel.differences(probe, lb));
            assertEquals(1, drifts.size(), "one drift, one repair: " + drifts);
            assertTrue(drifts.get(0).stream().anyMatch(line -> line.startsWith("table netdev nftlb")),
                    "the drift names the netdev table: " + drifts.get(0));
            // and it stays repaired: networks still come and go as element operations on top of it
            lb.addNetworks("bad", "203.0.113.9").join();
            assertTrue(probe.read(PolicyCompiler.TABLE).orElseThrow().sets().stream()
                    .flatMap(set -> set.elements().stream()).anyMatch(e -> e.toString().contains("203.0.113.9")),
                    "the network added after the repair is in the kernel");
            System.out.println("[DriftRepairIT] policy table, " + tampering + " -> " + drifts.get(0));
        }
    }

    static List<String> policyDifferences(NetlinkTransport kernel, Table expected) {
        return kernel.read(PolicyCompiler.TABLE).map(t -> TableComparison.differences(expected, t))
                .orElse(List.of("table " + PolicyCompiler.TABLE + " is missing"));
    }

    /**
     * What the load balancer cannot tell from the kernel's own work is not drift: with DSR and
     * stateless dNAT farms and a policy in the netdev table, a change someone else makes in
     * another table moves the generation, so the check reads both tables back; they must compare
     * equal (learnt client MACs and read-back forms included), or every foreign commit would
     * replace them.
     */
    @Test
    void anUnrelatedChangeIsNotDriftWithIngressFarmsAndPolicies(NetworkNamespace ns) throws InterruptedException {
        List<List<String>> drifts = new CopyOnWriteArrayList<>();
        List<DriftReport> checks = new CopyOnWriteArrayList<>();
        FakeScheduler timers = new FakeScheduler(FakeClock.create()); // a check runs when the test says
        List<Farm> farms = Kernel.ingressFarms();
        List<DsrPath> paths = Kernel.ingressPaths();
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).farms(farms)
                .paths(paths).policies(List.of(Policy.blacklist("bad").on("lo").networks("192.0.2.0/24")))
                .driftCheck(CHECK).scheduler(timers).listener(new CommitListener() {
                    @Override
                    public void drifted(List<String> differences, Transaction repair) {
                        drifts.add(differences);
                    }

                    @Override
                    public void checked(DriftReport report) {
                        checks.add(report);
                    }
                }).open()) {
            for (int i = 0; i < 3; i++) {
                ns.nft("table ip foreign" + i + " { chain c { }; }");
                int before = checks.size();
                timers.advance(CHECK);
                Kernel.await(DEADLINE, () -> checks.size() > before, () -> "no check ran");
                assertTrue(checks.get(before).readBack(), "the generation moved: the check read our tables back");
            }
            assertEquals(List.of(), drifts, "foreign commits in other tables are not drift");
            // and the checks see a real change
            ns.nft("delete element netdev nftlb " + PolicyCompiler.membersSet("bad", false) + " { 192.0.2.0/24 }");
            timers.advance(CHECK);
            Kernel.await(DEADLINE, () -> !drifts.isEmpty(), () -> "no drift found after deleting a policy's network");
        }
    }
}
