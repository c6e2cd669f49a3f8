package io.nftlb.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.Layout;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.Op;
import io.nftlb.core.transport.Transaction;
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
        assertTrue(Planner.diff(s, s, List.of()).isEmpty());
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
                () -> Planner.diff(s, changed, List.of()));
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
