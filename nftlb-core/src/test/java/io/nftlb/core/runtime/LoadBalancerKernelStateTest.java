package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The runtime and the kernel's own state, against the in-memory kernel: adopting a table at
 * start-up, repairing one someone else changed, deleting the connections of backends taken out
 * of service, reading counters. The same is proven against the real kernel in nftlb-netlink.
 */
class LoadBalancerKernelStateTest {

    final FakeTransport kernel = new FakeTransport();
    /** The drift checks' timer: a check runs only when a test advances it by {@link #CHECK}. */
    final FakeScheduler timers = new FakeScheduler(FakeClock.create());
    static final Duration CHECK = Duration.ofSeconds(5);

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web").weighted(Backend.of("b1", "10.1.0.10").weight(100),
                Backend.of("b2", "10.1.0.11").weight(50), Backend.of("b3", "10.1.0.12").weight(10));
    }

    LoadBalancer.Builder builder(Farm... farms) {
        return LoadBalancer.builder(kernel).coalesce(Duration.ZERO).farms(List.of(farms));
    }

    Table kernelTable() {
        return kernel.model().table(Layout.TABLE).orElseThrow();
    }

    // ---- scheduling maps

    private java.util.SortedSet<String> schedObjects() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        kernelTable().sets().stream().map(s -> s.name()).filter(n -> n.matches("sched[0-9]+")).forEach(names::add);
        kernelTable().chains().stream().map(c -> c.name()).filter(n -> n.matches("lookup-sched[0-9]+"))
                .forEach(names::add);
        return names;
    }

    @Test
    void aSchedulingMapAndItsLookupChainExistWhileAFarmUsesThem() {
        Farm api = Farm.dnat("10.0.0.41").port(443).named("api").weighted(Backend.of("a1", "10.1.0.20"));
        try (LoadBalancer lb = builder().open()) {
            assertEquals(java.util.Set.of(), schedObjects(), "no farm, no scheduling map");
            lb.apply(web()).join();
            lb.apply(api).join();
            int webMap = lb.ids("web").orElseThrow().farmId() % Layout.SCHED_MAPS;
            int apiMap = lb.ids("api").orElseThrow().farmId() % Layout.SCHED_MAPS;
            assertEquals(new java.util.TreeSet<>(List.of("sched" + webMap, "lookup-sched" + webMap,
                    "sched" + apiMap, "lookup-sched" + apiMap)), schedObjects());
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
            lb.remove("web").join();
            assertEquals(new java.util.TreeSet<>(List.of("sched" + apiMap, "lookup-sched" + apiMap)), schedObjects(),
                    "the map of the farm removed goes with its lookup chain");
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    @Test
    void aTableDeclaringEverySchedulingMapIsConvergedByDeletingTheUnusedOnes() {
        Map<String, Long> marks;
        Table everyMap;
        try (LoadBalancer first = builder(web()).open()) {
            marks = first.marks("web");
            java.util.SortedSet<Integer> all = new java.util.TreeSet<>();
            for (int k = 0; k < Layout.SCHED_MAPS; k++) {
                all.add(k);
            }
            Table now = kernelTable();
            everyMap = io.nftlb.core.internal.plan.Skeleton.of(io.nftlb.core.compile.RulesetCompiler.compile(
                    List.of(web()))).withSchedMaps(all).table(List.of(io.nftlb.core.compile.FarmParts.compile(web(),
                    first.ids("web").orElseThrow())));
            assertTrue(everyMap.sets().size() > now.sets().size());
        }
        // As a release that declared all 256 maps left it, with the same farm.
        kernel.commit(io.nftlb.core.internal.plan.SkeletonPlanner.create(everyMap));
        try (LoadBalancer lb = builder(web()).open()) {
            List<Op> ops = kernel.lastCommitted().ops();
            assertTrue(ops.stream().noneMatch(op -> op instanceof Op.AddTable || op instanceof Op.DeleteTable
                    || op instanceof Op.AddSet || op instanceof Op.AddElements), "a diff that only deletes: " + ops);
            assertEquals(2 * (Layout.SCHED_MAPS - 1), ops.stream().filter(op -> op instanceof Op.DeleteSet
                    || op instanceof Op.DeleteChain).count(), "255 maps and their lookup chains deleted");
            assertEquals(marks, lb.marks("web"));
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    @Test
    void aTableDeclaringASetDifferentlyIsReplacedBesideAStandInThatServesMeanwhile() {
        Map<String, Long> marks;
        Table ours;
        try (LoadBalancer first = builder(web()).open()) {
            marks = first.marks("web");
            ours = Expected.table(first, first.farms());
        }
        // As a release that declared one set with a size left it, with the same farm and marks.
        List<io.nftlb.core.ast.NamedSet> sets = ours.sets().stream()
                .map(s -> s.name().equals("hairpin6") ? s.withSize(1024) : s).toList();
        kernel.commit(io.nftlb.core.internal.plan.SkeletonPlanner.create(new Table(ours.family(), ours.name(), sets,
                ours.objects(), ours.flowtables(), ours.chains())));
        TableRef standIn = new TableRef(Layout.TABLE.family(), "nftlb-handover");
        int commits = kernel.committed().size();
        try (LoadBalancer lb = builder(web()).open()) {
            List<Transaction> switched = kernel.committed().subList(commits, kernel.committed().size());
            assertEquals(3, switched.size(), "stand-in, replacement, stand-in deleted: " + switched);
            assertEquals(io.nftlb.core.internal.plan.SkeletonPlanner.create(new Table(ours.family(), standIn.name(),
                    ours.sets(), ours.objects(), ours.flowtables(), ours.chains())).ops(), switched.get(0).ops(),
                    "the stand-in is the desired table, complete, under another name");
            assertTrue(switched.get(1).ops().stream().allMatch(op -> op.table().equals(Layout.TABLE)));
            assertEquals(List.of(new Op.AddTable(standIn), new Op.DeleteTable(standIn)), switched.get(2).ops());
            assertEquals(Optional.empty(), kernel.read(standIn));
            assertEquals(marks, lb.marks("web"), "the marks mean the same backends in the three tables");
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    @Test
    void aStandInLeftByAProcessKilledInTheMiddleOfASwitchIsDeletedAtStartUp() {
        Table ours;
        try (LoadBalancer first = builder(web()).open()) {
            ours = Expected.table(first, first.farms());
        }
        kernel.commit(io.nftlb.core.internal.plan.TableSwitch.standIns(List.of(ours)));
        TableRef standIn = new TableRef(Layout.TABLE.family(), "nftlb-handover");
        assertTrue(kernel.read(standIn).isPresent());
        int commits = kernel.committed().size();
        try (LoadBalancer lb = builder(web()).open()) {
            assertEquals(Optional.empty(), kernel.read(standIn));
            assertEquals(commits + 1, kernel.committed().size(), "the stand-in deleted; our table adopted as it is");
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    // ---- start-up

    @Test
    void aTableThatIsAlreadyTheFarmsIsAdoptedWithoutACommit() {
        builder(web()).open().close();
        int commits = kernel.committed().size();
        try (LoadBalancer lb = builder(web()).open()) {
            assertEquals(commits, kernel.committed().size(), "adopted, not committed again");
            lb.setWeight("web", "b2", 7).join();
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    @Test
    void aTableWithOtherFarmsIsConvergedByOneDiffThatKeepsTheMarks() {
        Map<String, Long> before;
        try (LoadBalancer first = builder(web()).open()) {
            before = first.marks("web");
        }
        int commits = kernel.committed().size();
        try (LoadBalancer lb = builder(web().withoutBackend("b3")).open()) {
            assertEquals(commits + 1, kernel.committed().size(), "one transaction");
            List<Op> ops = kernel.lastCommitted().ops();
            assertTrue(ops.stream().noneMatch(op -> op instanceof Op.AddTable || op instanceof Op.DeleteTable
                    || op instanceof Op.AddChain || op instanceof Op.AddSet), "a diff, not a replacement: " + ops);
            Map<String, Long> after = new java.util.HashMap<>(before);
            after.remove("b3");
            assertEquals(after, lb.marks("web"), "the backends that stay keep their marks");
            assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())), RulesetModel.text(kernelTable()));
        }
    }

    @Test
    void invalidStartUpFarmsThrowAndNothingReachesTheKernel() {
        Farm twin = Farm.dnat("10.0.0.40").port(80).named("twin").roundRobin(Backend.of("x", "10.1.0.20"));
        assertThrows(IllegalArgumentException.class, () -> builder(web(), twin).open());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder(web(), web()));
        assertEquals("farms: farm \"web\" is given twice", e.getMessage());
        assertEquals(List.of(), kernel.attempted());
    }

    @Test
    void optionsTheTransportCannotServeAreRefusedAtOpen() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder(web()).flushConnectionsOnRemoval(true).open());
        assertTrue(e.getMessage().contains("flushConnectionsOnRemoval"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoadBalancer.builder(NftCliTransport.inNamespace("none"))
                .driftCheck(Duration.ofSeconds(1)).open());
        assertTrue(e.getMessage().contains("driftCheck"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder().driftCheck(Duration.ZERO));
        assertEquals(List.of(), kernel.attempted());
    }

    // ---- drift

    @Test
    void aTableChangedBySomeoneElseIsPutBackAndReportedAtTheNextCheck() throws Exception {
        List<List<String>> drifts = new CopyOnWriteArrayList<>();
        List<DriftReport> checks = new CopyOnWriteArrayList<>();
        try (LoadBalancer lb = builder(web()).driftCheck(CHECK).scheduler(timers).listener(new CommitListener() {
            @Override
            public void drifted(List<String> differences, Transaction repair) {
                drifts.add(differences);
            }

            @Override
            public void checked(DriftReport report) {
                checks.add(report);
            }
        }).open()) {
            String ours = RulesetModel.text(kernelTable());
            kernel.tamper(Transaction.of(List.of(new Op.DeleteTable(Layout.TABLE))));
            timers.advance(CHECK.minusNanos(1));
            assertEquals(List.of(), checks, "no check before its interval is over");
            assertTrue(kernel.model().table(Layout.TABLE).isEmpty());
            timers.advance(Duration.ofNanos(1));
            await(() -> !drifts.isEmpty() && kernel.model().table(Layout.TABLE).isPresent(), () -> "drifts " + drifts);
            assertEquals(List.of(List.of("table inet nftlb is missing")), drifts);
            assertEquals(ours, RulesetModel.text(kernelTable()));

            long mark = lb.marks("web").get("b1");
            kernel.tamper(Transaction.of(List.of(new Op.DeleteElements(Layout.TABLE, Layout.DNAT4,
                    List.of(kernelTable().set(Layout.DNAT4).elements().stream()
                            .filter(el -> el.key().equals(new Expr.Int(mark, DataType.MARK))).findFirst()
                            .orElseThrow())))));
            timers.advance(CHECK);
            await(() -> drifts.size() == 2 && ours.equals(RulesetModel.text(kernelTable())), () -> "drifts " + drifts);
            assertEquals(List.of("set dnat4: 1 element(s) missing, 0 not ours"), drifts.get(1));
            assertEquals(2, checks.size(), "one check per interval");
        }
    }

    /** A caller's dependent action that blocks on the commit thread does not stop drift checks. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void driftIsRepairedWhileADependentActionBlocks() throws Exception {
        java.util.concurrent.CountDownLatch unblock = new java.util.concurrent.CountDownLatch(1);
        try (LoadBalancer lb = builder(web()).driftCheck(CHECK).scheduler(timers).open()) {
            String ours = RulesetModel.text(kernelTable());
            int attempts = kernel.attempted().size();
            kernel.hold();
            java.util.concurrent.CompletableFuture<Void> blocked = lb.setWeight("web", "b1", 3).thenRun(() -> {
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            kernel.awaitAttempts(attempts + 1);
            int committed = kernel.committed().size();
            kernel.release(); // the commit goes through; its thread then runs the action, which blocks
            await(() -> kernel.committed().size() > committed, () -> "the weight change is not committed");
            String afterWeight = RulesetModel.text(Expected.table(lb, lb.farms()));
            kernel.tamper(Transaction.of(List.of(new Op.DeleteTable(Layout.TABLE))));
            timers.advance(CHECK);
            await(() -> kernel.model().table(Layout.TABLE).isPresent(), () -> "the table is still missing");
            assertEquals(afterWeight, RulesetModel.text(kernelTable()));
            assertTrue(!afterWeight.equals(ours), "the weight change is in what was put back");
            assertTrue(!blocked.isDone(), "the action was still blocking its thread");
        } finally {
            unblock.countDown();
        }
    }

    @Test
    void nothingIsReadBackWhileTheGenerationStaysOurs() throws Exception {
        Counting counting = new Counting(kernel);
        List<DriftReport> checks = new CopyOnWriteArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(counting).farms(List.of(web())).coalesce(Duration.ZERO)
                .driftCheck(CHECK).scheduler(timers).listener(new CommitListener() {
                    @Override
                    public void checked(DriftReport report) {
                        checks.add(report);
                    }
                }).open()) {
            assertEquals(4, counting.reads.get(),
                    "the start-up readback: the inet and the netdev table, and the stand-in of each (none)");
            lb.setWeight("web", "b1", 3).join();
            for (int i = 1; i <= 20; i++) {
                check(checks, i);
            }
            assertEquals(4, counting.reads.get(), "20 checks while only we committed read nothing back");
            assertTrue(checks.stream().noneMatch(DriftReport::readBack));
            kernel.tamper(Transaction.of(List.of(new Op.AddTable(new TableRef(Layout.TABLE.family(), "other")))));
            check(checks, 21);
            assertEquals(5, counting.reads.get(), "someone else committed: the check reads our table back");
            for (int i = 22; i <= 41; i++) {
                check(checks, i);
            }
            assertEquals(5, counting.reads.get(), "someone else's table: read once, ours still, not read again");
        }
    }

    /** Moves time to the next drift check and waits until it is the {@code n}th done. */
    private void check(List<DriftReport> checks, int n) throws InterruptedException {
        timers.advance(CHECK);
        await(() -> checks.size() >= n, () -> checks.size() + " checks");
        assertEquals(n, checks.size(), "one check per interval");
    }

    // ---- connections

    /** Records deletions; answers counters from a fixed map. */
    static final class Connections implements ConnectionTable {
        final List<Long> deleted = new CopyOnWriteArrayList<>();
        volatile Map<Long, Counters> counters = Map.of();

        @Override
        public long deleteByMark(long mark) {
            deleted.add(mark);
            return 1;
        }

        @Override
        public Map<Long, Counters> countersByMark() {
            return counters;
        }
    }

    @Test
    void backendsTakenOutOfServiceLoseTheirConnectionsButDrainingOnesKeepThem() {
        Connections conns = new Connections();
        kernel.withConnections(conns);
        try (LoadBalancer lb = builder(web()).flushConnectionsOnRemoval(true).open()) {
            Map<String, Long> marks = lb.marks("web");
            lb.setState("web", "b1", BackendState.DRAIN).join();
            lb.setWeight("web", "b2", 0).join();
            assertEquals(List.of(), conns.deleted, "draining and weight 0 keep connections");
            lb.setState("web", "b1", BackendState.DOWN).join();
            assertEquals(List.of(marks.get("b1")), conns.deleted);
            lb.setState("web", "b1", BackendState.OFF).join();
            assertEquals(List.of(marks.get("b1")), conns.deleted, "already out of service");
            lb.setState("web", "b2", BackendState.OFF).join();
            lb.apply(lb.farm("web").orElseThrow().withoutBackend("b3")).join();
            assertEquals(List.of(marks.get("b1"), marks.get("b2"), marks.get("b3")), conns.deleted);
            lb.remove("web").join();
            assertEquals(List.of(marks.get("b1"), marks.get("b2"), marks.get("b3"), marks.get("b1"), marks.get("b2")),
                    conns.deleted, "a removed farm's backends, whatever their state");
        }
    }

    @Test
    void withoutTheOptionConnectionsAreLeftAlone() {
        Connections conns = new Connections();
        kernel.withConnections(conns);
        try (LoadBalancer lb = builder(web()).open()) {
            lb.setState("web", "b1", BackendState.DOWN).join();
            lb.remove("web").join();
            assertEquals(List.of(), conns.deleted);
        }
    }

    @Test
    void countersAreTheConnectionTablesByBackendMark() {
        Connections conns = new Connections();
        kernel.withConnections(conns);
        try (LoadBalancer lb = builder(web()).open()) {
            Map<String, Long> marks = lb.marks("web");
            conns.counters = Map.of(marks.get("b1"), new Counters(2, 20, 2000), marks.get("b3"),
                    new Counters(1, 4, 300), 0L, new Counters(9, 9, 9));
            FarmCounters c = lb.counters("web");
            assertEquals(Map.of("b1", new Counters(2, 20, 2000), "b2", Counters.NONE, "b3", new Counters(1, 4, 300)),
                    c.backends());
            assertEquals(new Counters(3, 24, 2300), c.total());
            assertThrows(IllegalArgumentException.class, () -> lb.counters("nope"));
        }
        try (LoadBalancer lb = LoadBalancer.builder(new FakeTransport()).farms(List.of(web())).open()) {
            assertThrows(UnsupportedOperationException.class, () -> lb.counters("web"));
        }
    }

    @Test
    void theCountersOfEveryFarmComeFromOneDump() {
        AtomicInteger dumps = new AtomicInteger();
        Connections conns = new Connections();
        kernel.withConnections(new ConnectionTable() {
            @Override
            public long deleteByMark(long mark) {
                return conns.deleteByMark(mark);
            }

            @Override
            public Map<Long, Counters> countersByMark() {
                dumps.incrementAndGet();
                return conns.countersByMark();
            }
        });
        Farm other = Farm.dnat("10.0.0.41").port(80).named("other").weighted(Backend.of("o1", "10.1.0.20"));
        try (LoadBalancer lb = builder(web(), other).open()) {
            conns.counters = Map.of(lb.marks("web").get("b1"), new Counters(2, 20, 2000),
                    lb.marks("other").get("o1"), new Counters(1, 4, 300));
            Map<String, FarmCounters> all = lb.counters();
            assertEquals(1, dumps.get());
            assertEquals(List.of("web", "other"), List.copyOf(all.keySet()));
            assertEquals(lb.counters("web"), all.get("web"));
            assertEquals(new Counters(1, 4, 300), all.get("other").backend("o1"));
        }
    }

    // ---- helpers

    /** Counts reads and generation queries of the transport it wraps. */
    static final class Counting implements Transport {
        final Transport inner;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger generations = new AtomicInteger();

        Counting(Transport inner) {
            this.inner = inner;
        }

        @Override
        public void commit(Transaction transaction) {
            inner.commit(transaction);
        }

        @Override
        public Optional<Table> read(TableRef table) {
            reads.incrementAndGet();
            return inner.read(table);
        }

        @Override
        public long generation() {
            generations.incrementAndGet();
            return inner.generation();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static void await(BooleanSupplier done, java.util.function.Supplier<String> state) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + state.get());
            }
            Thread.sleep(2);
        }
    }
}
