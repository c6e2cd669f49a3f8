package io.nftlb.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.ShardRules;
import io.nftlb.core.internal.plan.Skeleton;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.RulesetModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Golden transactions for the everyday changes: what reaches the kernel for each, as nft text.
 * Each is also applied to the in-memory kernel, which must then hold exactly the desired table.
 * Rewrite the golden files with {@code -Dgolden.update=true} (and review the diff).
 */
class PlannerTest {

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
    }

    static Farm wrr() {
        return Farm.snat("10.0.0.41").port(80).named("wrr").weighted(
                Backend.of("b1", "10.1.0.10").weight(100),
                Backend.of("b2", "10.1.0.11").weight(50),
                Backend.of("b3", "10.1.0.12").weight(50));
    }

    static Compiled base() {
        return RulesetCompiler.compile(List.of(web(), wrr()));
    }

    /** Plans base -> base with {@code wrr} changed, checks it on the model, and returns the text. */
    static String planChangingWrr(UnaryOperator<Farm> change) {
        return plan(List.of(web(), change.apply(wrr())));
    }

    static String plan(List<Farm> desiredFarms) {
        Compiled before = base();
        Compiled after = RulesetCompiler.compile(desiredFarms, before.allocation());
        Transaction tx = Planner.diff(Optional.of(before), after);
        RulesetModel model = new RulesetModel();
        model.apply(Planner.create(before));
        model.apply(tx);
        assertEquals(RulesetModel.text(table(after)), RulesetModel.text(model.table(Layout.TABLE).orElseThrow()));
        return NftText.render(tx);
    }

    static Table table(Compiled c) {
        return c.ruleset().tables().get(0);
    }

    @Test
    void weightChangeIsOnlyElementOpsOnSched() throws IOException {
        String actual = planChangingWrr(f -> f.backend("b1", b -> b.weight(50)));
        assertGolden("weight-change.nft", actual);
        // Only the map of farm wrr (data-path id 1), not the other farms' maps.
        assertTrue(actual.lines().allMatch(l -> l.matches("(delete|add) element inet nftlb sched1 .*")), actual);
    }

    @Test
    void backendDown() throws IOException {
        assertGolden("state-down.nft", planChangingWrr(f -> f.backend("b2", b -> b.state(BackendState.DOWN))));
    }

    /** Round robin counts its serving backends in the rule ({@code numgen inc mod N}): the chain is refilled. */
    @Test
    void roundRobinBackendDown() throws IOException {
        assertGolden("round-robin-down.nft",
                plan(List.of(web().backend("b2", b -> b.state(BackendState.DOWN)), wrr())));
    }

    @Test
    void addBackend() throws IOException {
        assertGolden("add-backend.nft", planChangingWrr(f -> f.backend(Backend.of("b4", "10.1.0.13").weight(100))));
    }

    @Test
    void removeBackend() throws IOException {
        assertGolden("remove-backend.nft", planChangingWrr(f -> f.withoutBackend("b3")));
    }

    @Test
    void addFarm() throws IOException {
        Farm dns = Farm.snat("10.0.0.53").udp().port(53).named("dns")
                .roundRobin(Backend.of("d1", "10.1.0.20"), Backend.of("d2", "10.1.0.21"));
        assertGolden("add-farm.nft", plan(List.of(web(), wrr(), dns)));
    }

    @Test
    void removeFarm() throws IOException {
        assertGolden("remove-farm.nft", plan(List.of(web())));
    }

    @Test
    void persistenceOnAddsItsSets() throws IOException {
        assertGolden("persistence-on.nft", planChangingWrr(f -> f.persistent(Duration.ofMinutes(5))));
    }

    /** A packet mark needs the pmarks map and a rule in the base chain that reads it: both come and go with it. */
    @Test
    void packetMarkOnChangesTheBaseChain() throws IOException {
        assertGolden("packet-mark-on.nft", planChangingWrr(f -> f.packetMark(0x20)));
    }

    @Test
    void persistenceOffRemovesItsSetsLast() {
        Compiled before = RulesetCompiler.compile(List.of(web(), wrr().persistent(Duration.ofMinutes(5))));
        Compiled after = RulesetCompiler.compile(List.of(web(), wrr()), before.allocation());
        Transaction tx = Planner.diff(Optional.of(before), after);
        RulesetModel model = new RulesetModel();
        model.apply(Planner.create(before));
        model.apply(tx);
        assertEquals(RulesetModel.text(table(after)), RulesetModel.text(model.table(Layout.TABLE).orElseThrow()));
        List<Op> ops = tx.ops();
        assertTrue(ops.get(ops.size() - 1) instanceof Op.DeleteSet, NftText.render(tx));
    }

    /**
     * Farms 0, 512 and 1024 share shard chain shard4-0: a farm joining appends its rule, one
     * leaving refills the shard with the others', the last one leaving deletes it, and a farm
     * that needs a chain of its own (limits) moves out of it.
     */
    @Test
    void farmsSharingAShardChain() {
        List<Farm> farms = new ArrayList<>();
        for (int i = 0; i <= 1024; i++) {
            farms.add(Farm.dnat("10.0.0.1").port(1000 + i).named("f" + i).weighted(Backend.of("b", "10.1.0.10")));
        }
        Compiled all = RulesetCompiler.compile(farms);
        List<Farm> before = new ArrayList<>(farms.subList(0, 512));
        RulesetModel model = new RulesetModel();
        Compiled now = RulesetCompiler.compile(before, all.allocation());
        model.apply(Planner.create(now));
        String shard = Layout.shardChain(0, false);
        assertEquals(shard, now.parts().get("f0").chain().name());

        List<Farm> joined = new ArrayList<>(farms.subList(0, 513));
        Transaction join = Planner.diff(Optional.of(now), RulesetCompiler.compile(joined, all.allocation()));
        assertEquals(1, join.ops().stream().filter(op -> op instanceof Op.AddRule).count(), NftText.render(join));
        assertTrue(join.ops().stream().noneMatch(op -> op instanceof Op.FlushChain), NftText.render(join));
        now = step(model, now, RulesetCompiler.compile(joined, all.allocation()));
        now = step(model, now, RulesetCompiler.compile(farms, all.allocation()));
        assertEquals(3, model.table(Layout.TABLE).orElseThrow().chain(shard).rules().size());

        List<Farm> fewer = new ArrayList<>(farms);
        fewer.remove(0);
        Transaction leave = Planner.diff(Optional.of(now), RulesetCompiler.compile(fewer, all.allocation()));
        assertTrue(leave.ops().contains(new Op.FlushChain(Layout.TABLE, shard)), NftText.render(leave));
        now = step(model, now, RulesetCompiler.compile(fewer, all.allocation()));

        List<Farm> limited = new ArrayList<>(fewer);
        limited.set(limited.indexOf(farms.get(512)), farms.get(512).limits(io.nftlb.core.Limits.none()
                .newConnections(io.nftlb.core.Rate.perSecond(10))));
        now = step(model, now, RulesetCompiler.compile(limited, all.allocation()));
        assertEquals("farm-f512", now.parts().get("f512").chain().name());

        List<Farm> last = new ArrayList<>(limited);
        last.remove(farms.get(1024));
        Transaction gone = Planner.diff(Optional.of(now), RulesetCompiler.compile(last, all.allocation()));
        assertTrue(gone.ops().contains(new Op.DeleteChain(Layout.TABLE, shard)), NftText.render(gone));
        step(model, now, RulesetCompiler.compile(last, all.allocation()));
    }

    /** Applies the plan from {@code from} to {@code to} to the model, and checks that the model then holds {@code to}. */
    private static Compiled step(RulesetModel model, Compiled from, Compiled to) {
        Transaction tx = Planner.diff(Optional.of(from), to);
        model.apply(tx);
        assertEquals(RulesetModel.text(table(to)), RulesetModel.text(model.table(Layout.TABLE).orElseThrow()),
                NftText.render(tx));
        return to;
    }

    @Test
    void fromNothingReplacesAnyStaleTableInOneTransaction() throws IOException {
        Transaction tx = Planner.diff(Optional.empty(), base());
        String actual = NftText.render(tx);
        assertGolden("create.nft", actual);
        assertEquals(List.of("add table inet nftlb", "delete table inet nftlb", "add table inet nftlb"),
                actual.lines().limit(3).toList());
        RulesetModel model = new RulesetModel();
        model.apply(Transaction.of(List.of(new Op.AddTable(Layout.TABLE), new Op.AddChain(Layout.TABLE,
                io.nftlb.core.ast.Chain.regular("stale", List.of())))));
        model.apply(tx);
        assertEquals(RulesetModel.text(table(base())), RulesetModel.text(model.table(Layout.TABLE).orElseThrow()));
    }

    @Test
    void diffOfAStateWithItselfIsEmpty() {
        Compiled c = base();
        assertTrue(Planner.diff(Optional.of(c), c).isEmpty());
        assertTrue(Planner.diff(Optional.of(c), RulesetCompiler.compile(List.of(web(), wrr()), c.allocation())).isEmpty());
        Skeleton s = Skeleton.of(c);
        assertTrue(SkeletonPlanner.diff(s, s, List.of(), ShardRules.of(List.of())).isEmpty());
    }

    /** Moving a service from one farm to another in one transaction: the key is freed before it is taken. */
    @Test
    void aServiceMovesBetweenFarms() {
        Farm moved = Farm.dnat("10.0.0.40").port(80).named("web2").roundRobin(Backend.of("n1", "10.1.0.30"));
        plan(List.of(moved, wrr()));
    }

    @Test
    void aSetWhoseDeclarationChangesCannotBeDiffedIncrementally() {
        Skeleton s = Skeleton.of(base());
        List<io.nftlb.core.ast.NamedSet> sets = new ArrayList<>(s.sets());
        sets.set(0, sets.get(0).withSize(10));
        Skeleton changed = new Skeleton(s.table(), sets, s.baseChains());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SkeletonPlanner.diff(s, changed, List.of(), ShardRules.of(List.of())));
        assertEquals("set farms4 of table inet nftlb changes its declaration; plan the whole table with create()",
                e.getMessage());
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = Path.of("src/test/resources/golden/plan", name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
            return;
        }
        try (InputStream in = PlannerTest.class.getResourceAsStream("/golden/plan/" + name)) {
            if (in == null) {
                throw new IOException("no golden file " + name + " (run with -Dgolden.update=true to create it)");
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual);
        }
    }
}
