package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The load balancer's netdev table: DSR farms and policies through {@link LoadBalancer}, one
 * transaction for both tables, element-only changes where the layout allows them, and rollback.
 */
class LoadBalancerIngressTest {

    final FakeTransport kernel = new FakeTransport();
    final List<Transaction> seen = new CopyOnWriteArrayList<>();

    static Farm dsr(String name, String vip) {
        return Farm.dsr(vip).port(80).named(name)
                .weighted(Backend.of("b0", "10.1.0.10").weight(100), Backend.of("b1", "10.1.0.11").weight(100));
    }

    static DsrPath path(String farm) {
        return DsrPath.of(farm).in("eth0").out("eth1", "52:54:00:00:00:01")
                .backend("b0", "52:54:00:00:01:10").backend("b1", "52:54:00:00:01:11");
    }

    static Farm web() {
        return Farm.dnat("10.0.0.50").port(80).named("web").roundRobin(Backend.of("w0", "10.1.0.20"));
    }

    LoadBalancer open() {
        return LoadBalancer.builder(kernel).coalesce(Duration.ZERO).listener(new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                seen.add(transaction);
            }
        }).open();
    }

    static List<String> ops(Transaction tx) {
        return tx.ops().stream().map(Op::describe).toList();
    }

    Transaction last() {
        return seen.get(seen.size() - 1);
    }

    /** The kernel's netdev table is what the compiler gives for the committed farms, by their ids. */
    void assertNetdevHolds(LoadBalancer lb, List<Policy> policies, List<DsrPath> paths) {
        List<Farm> farms = lb.farms();
        Table expected = IngressCompiler.compile(policies, farms, paths,
                name -> lb.ids(name).orElseThrow().farmId() * IngressCompiler.SLOTS);
        assertEquals(RulesetModel.text(expected),
                RulesetModel.text(kernel.model().table(PolicyCompiler.TABLE).orElseThrow()));
    }

    List<io.nftlb.core.ast.Rule> chain(String name) {
        return kernel.model().table(PolicyCompiler.TABLE).orElseThrow().chains().stream()
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow().rules();
    }

    @Test
    void aDsrFarmNeedsItsPathFirstAndThenLivesInTheNetdevTableOnly() {
        try (LoadBalancer lb = open()) {
            int commits = kernel.committed().size();
            assertEquals("farm \"a\": a dsr farm needs a DsrPath (devices and MACs): give it with "
                            + "LoadBalancer.setPath first",
                    assertThrows(InvalidFarmException.class, () -> lb.apply(dsr("a", "10.0.0.40"))).getMessage());
            lb.setPath(path("a")).join();
            Farm threeBackends = dsr("a", "10.0.0.40").backends(List.of(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12")));
            assertEquals("farm \"a\": backend \"b2\" has no MAC in its DSR path",
                    assertThrows(InvalidFarmException.class, () -> lb.apply(threeBackends)).getMessage());
            assertEquals(commits, kernel.committed().size(), "a path alone, and refused farms, commit nothing");
            lb.apply(dsr("a", "10.0.0.40")).join();
            assertTrue(ops(last()).stream().allMatch(op -> op.contains("netdev nftlb")), ops(last()).toString());
            assertTrue(kernel.model().table(Layout.TABLE).orElseThrow().chains().stream()
                    .noneMatch(c -> c.name().equals(Layout.farmChain("a"))), "no chain of farm a in the inet table");
            assertNetdevHolds(lb, List.of(), List.of(path("a")));
            assertTrue(lb.explain("a").orElseThrow().contains("dsr at the ingress of eth0"), lb.explain("a").orElseThrow());
        }
    }

    @Test
    void startUpCommitsBothTablesInOneTransaction() {
        Policy bad = Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");
        try (LoadBalancer lb = LoadBalancer.builder(kernel).paths(List.of(path("a"))).policies(List.of(bad))
                .farms(List.of(web(), dsr("a", "10.0.0.40"))).open()) {
            assertEquals(1, kernel.committed().size(), "transactions at start-up");
            List<String> ops = ops(kernel.committed().get(0));
            assertTrue(ops.contains("add table inet nftlb") && ops.contains("add table netdev nftlb"), ops.toString());
            assertEquals(List.of(web(), dsr("a", "10.0.0.40")), lb.farms());
            assertNetdevHolds(lb, List.of(bad), List.of(path("a")));
        }
    }

    @Test
    void aWeightOrStateChangeOfADsrFarmIsElementOnly() {
        try (LoadBalancer lb = open()) {
            lb.setPath(path("a"));
            lb.apply(dsr("a", "10.0.0.40")).join();
            lb.setWeight("a", "b1", 300).join();
            List<String> weight = ops(last());
            assertEquals(List.of("delete element netdev nftlb dsr-ether (2 elements)",
                    "add element netdev nftlb dsr-ether (2 elements)"), weight);
            lb.setState("a", "b0", io.nftlb.core.BackendState.DOWN).join();
            assertTrue(ops(last()).stream().allMatch(op -> op.matches("(delete|add) element netdev nftlb dsr-ether .*")),
                    ops(last()).toString());
            assertNetdevHolds(lb, List.of(), List.of(path("a")));
        }
    }

    @Test
    void aFarmsSlotsFollowItsIdNotItsPositionSoOthersComingAndGoingLeaveThemAlone() {
        try (LoadBalancer lb = open()) {
            lb.setPath(path("a"));
            lb.setPath(path("b"));
            lb.apply(dsr("a", "10.0.0.40")).join();
            lb.apply(dsr("b", "10.0.0.41")).join();
            String before = lb.explain("b").orElseThrow();
            List<io.nftlb.core.ast.Rule> rules = chain("dsr-b");
            String offset = "offset " + lb.ids("b").orElseThrow().farmId() * IngressCompiler.SLOTS + " ";
            assertTrue(NftText.render(rules.get(0)).contains(offset), NftText.render(rules.get(0)) + " has " + offset);
            lb.remove("a").join();
            assertTrue(ops(last()).stream().noneMatch(op -> op.contains("dsr-b") || op.startsWith("add")
                    || op.contains("table")), "removing a touches nothing of b: " + ops(last()));
            assertEquals(rules, chain("dsr-b"), "farm b's rule (its slot offset) after farm a, first, is gone");
            assertEquals(before, lb.explain("b").orElseThrow());
            assertNetdevHolds(lb, List.of(), List.of(path("b")));
        }
    }

    @Test
    void policyNetworksAreElementOnlyAndFarmsComingAndGoingJoinTheSameTransaction() {
        try (LoadBalancer lb = open()) {
            Policy bad = Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");
            lb.applyPolicy(bad).join();
            lb.addNetworks("bad", "198.51.100.7", "2001:db8::/32").join();
            assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)",
                    "add element netdev nftlb policy6-bad (1 elements)"), ops(last()));
            lb.removeNetworks("bad", "192.0.2.0/24").join();
            assertEquals(List.of("delete element netdev nftlb policy4-bad (1 elements)"), ops(last()));
            lb.apply(web()).join();
            List<String> both = ops(last());
            assertTrue(both.contains("add element netdev nftlb policy4-bad-farms (1 elements)"), both.toString());
            assertTrue(both.stream().anyMatch(op -> op.contains("inet nftlb")), both.toString());
            assertTrue(both.stream().filter(op -> op.contains("netdev")).allMatch(op -> op.startsWith("add element")),
                    both.toString());
            assertEquals("[198.51.100.7, 2001:db8::/32]", lb.policies().get(0).networks().toString());
            assertTrue(lb.explainPolicy("bad").orElseThrow().contains("(web)"), lb.explainPolicy("bad").orElseThrow());
            assertNetdevHolds(lb, lb.policies(), List.of());
            lb.removePolicy("bad").join();
            assertEquals(List.of(), lb.policies());
            assertNetdevHolds(lb, List.of(), List.of());
        }
    }

    @Test
    void aPolicyComingAndGoingChangesItsRulesAndSetsOnlyNotTheFarmsElements() {
        try (LoadBalancer lb = open()) {
            lb.setPath(path("a"));
            lb.apply(dsr("a", "10.0.0.40")).join();
            Policy bad = Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");
            lb.applyPolicy(bad).join();
            List<String> applied = ops(last());
            assertTrue(applied.stream().noneMatch(op -> op.contains("table") || op.contains("dsr-ether")
                    || op.contains("farms4-eth0")), "applying a policy keeps the farms' elements: " + applied);
            assertTrue(applied.contains("add set netdev nftlb policy4-bad"), applied.toString());
            assertNetdevHolds(lb, List.of(bad), List.of(path("a")));
            lb.removePolicy("bad").join();
            List<String> removed = ops(last());
            assertTrue(removed.contains("delete set netdev nftlb policy4-bad") && removed.stream()
                    .noneMatch(op -> op.contains("table") || op.contains("dsr-ether")), removed.toString());
            assertNetdevHolds(lb, List.of(), List.of(path("a")));
        }
    }

    /** A listener holds the commit thread after one commit, so that the next two changes go to the kernel together. */
    @Test
    void aRefusedTransactionOverBothTablesLeavesBothAsTheyWere() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean();
        List<Transaction> refused = new CopyOnWriteArrayList<>();
        Policy bad = Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                if (hold.getAndSet(false)) {
                    holding.countDown();
                    try {
                        letGo.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void failed(Transaction transaction, RuntimeException error) {
                refused.add(transaction);
            }
        }).open()) {
            lb.applyPolicy(bad).join();
            hold.set(true);
            CompletableFuture<Void> first = lb.apply(web());
            holding.await();
            kernel.failNext("ENOMEM");
            Farm other = Farm.dnat("10.0.0.51").port(80).named("other").roundRobin(Backend.of("o0", "10.1.0.21"));
            CompletableFuture<Void> farm = lb.apply(other);
            CompletableFuture<Void> member = lb.addNetworks("bad", "198.51.100.7");
            letGo.countDown();
            first.join();
            for (CompletableFuture<Void> f : List.of(farm, member)) {
                CompletionException e = assertThrows(CompletionException.class, f::join);
                assertEquals("ENOMEM", assertInstanceOf(TransportException.class, e.getCause()).errno());
            }
            assertEquals(1, refused.size(), "refused transactions");
            List<String> ops = ops(refused.get(0));
            assertTrue(ops.stream().anyMatch(op -> op.contains("inet nftlb"))
                    && ops.contains("add element netdev nftlb policy4-bad (1 elements)")
                    && ops.contains("add element netdev nftlb policy4-bad-farms (1 elements)"), ops.toString());
            assertEquals(List.of(web()), lb.farms());
            assertEquals(List.of(bad), lb.policies());
            assertNetdevHolds(lb, List.of(bad), List.of());
        }
    }

    @Test
    void badPolicyInputSendsNothing() {
        try (LoadBalancer lb = open()) {
            lb.applyPolicy(Policy.blacklist("bad").networks("192.0.2.0/24")).join();
            int before = kernel.attempted().size();
            assertEquals("policy \"bad\": network 192.0.2.9 overlaps 192.0.2.0/24",
                    assertThrows(InvalidFarmException.class, () -> lb.addNetworks("bad", "192.0.2.9")).getMessage());
            assertEquals("policy \"bad\": has no network 10.0.0.1",
                    assertThrows(InvalidFarmException.class, () -> lb.removeNetworks("bad", "10.0.0.1")).getMessage());
            assertEquals("policy \"nope\" does not exist",
                    assertThrows(IllegalArgumentException.class, () -> lb.addNetworks("nope", "10.0.0.1")).getMessage());
            assertEquals(before, kernel.attempted().size(), "transactions sent for bad input");
        }
    }

    @Test
    void aRefusedCommitOfBothTablesChangesNeitherAndTheSameChangeGoesThroughAfterwards() {
        try (LoadBalancer lb = open()) {
            lb.applyPolicy(Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24")).join();
            kernel.failNext("ENOMEM");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> lb.addNetworks("bad", "198.51.100.7").join());
            assertEquals("ENOMEM", assertInstanceOf(TransportException.class, e.getCause()).errno());
            assertEquals("[192.0.2.0/24]", lb.policies().get(0).networks().toString());
            lb.setPath(path("a")).join(); // alone: a path of no farm changes nothing in the kernel
            kernel.failNext("ENOMEM");
            assertThrows(CompletionException.class, () -> lb.apply(dsr("a", "10.0.0.40")).join());
            assertEquals(List.of(), lb.farms());
            lb.addNetworks("bad", "198.51.100.7").join();
            assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)"), ops(last()));
            lb.apply(dsr("a", "10.0.0.40")).join();
            assertNetdevHolds(lb, lb.policies(), List.of(path("a")));
            List<String> netdev = new ArrayList<>(NftText.render(kernel.model().table(PolicyCompiler.TABLE).orElseThrow())
                    .lines().filter(l -> l.contains("dsr-a")).toList());
            assertTrue(!netdev.isEmpty(), "farm a is in the kernel's netdev table");
        }
    }
}
