package io.nftlb.core.runtime;

import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.UnsupportedFeatureException;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoadBalancerTest {

    final FakeTransport kernel = new FakeTransport();

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .weighted(Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50));
    }

    static Farm farm(int i) {
        return Farm.dnat("10.0." + (i / 250) + "." + (i % 250 + 1)).port(80).named("f" + i)
                .weighted(Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50));
    }

    LoadBalancer open() {
        return LoadBalancer.builder(kernel).coalesce(Duration.ZERO).open();
    }

    void assertKernelHolds(LoadBalancer lb) {
        assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())),
                RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
    }

    @Test
    void openReplacesOurTableWithAnEmptyDataPath() {
        try (LoadBalancer lb = open()) {
            Transaction first = kernel.committed().get(0);
            assertEquals(List.of(new Op.AddTable(Layout.TABLE), new Op.DeleteTable(Layout.TABLE),
                    new Op.AddTable(Layout.TABLE)), first.ops().subList(0, 3));
            assertEquals(List.of(), lb.farms());
            assertKernelHolds(lb);
        }
    }

    @Test
    void appliedFarmsAreInTheKernelWhenTheFutureCompletes() {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            assertEquals(List.of(web()), lb.farms());
            assertEquals(web(), lb.farm("web").orElseThrow());
            assertKernelHolds(lb);
            lb.remove("web").join();
            assertEquals(List.of(), lb.farms());
            assertKernelHolds(lb);
        }
    }

    @Test
    void aWeightChangeIsElementOpsOnSchedOnly() {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            lb.setWeight("web", "b2", 100).join();
            String tx = NftText.render(kernel.lastCommitted());
            // The one farm has data-path id 0: its slots are in sched0.
            assertTrue(tx.lines().allMatch(l -> l.matches("(delete|add) element inet nftlb sched0 .*")), tx);
            assertEquals(100, lb.farm("web").orElseThrow().backend("b2").orElseThrow().weight());
            assertKernelHolds(lb);
        }
    }

    /** The same weight change with 1 farm and with 1,000: the same transaction, op for op. */
    @Test
    void aWeightChangeDoesNotGrowWithTheNumberOfFarms() {
        List<Transaction> changes = new ArrayList<>();
        for (int farms : new int[] {1, 1000}) {
            FakeTransport k = new FakeTransport();
            try (LoadBalancer lb = LoadBalancer.builder(k).coalesce(Duration.ZERO).open()) {
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < farms; i++) {
                    all.add(lb.apply(farm(i)));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                lb.setWeight("f0", "b1", 10).join();
                changes.add(k.lastCommitted());
            }
        }
        assertEquals(changes.get(0), changes.get(1));
        assertTrue(changes.get(1).ops().stream().allMatch(op -> op instanceof Op.DeleteElements
                || op instanceof Op.AddElements), NftText.render(changes.get(1)));
        assertEquals(2, changes.get(1).ops().size());
    }

    @Test
    void invalidChangesThrowInTheCallersThreadAndChangeNothing() {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            int commits = kernel.attempted().size();
            assertEquals("farm \"nope\" does not exist",
                    assertThrows(IllegalArgumentException.class, () -> lb.setWeight("nope", "b1", 1)).getMessage());
            assertEquals("farm \"web\": has no backend \"b9\"",
                    assertThrows(InvalidFarmException.class, () -> lb.setState("web", "b9", BackendState.DOWN))
                            .getMessage());
            assertEquals("farm \"web\": backend \"b1\": weight -1 must be >= 0",
                    assertThrows(InvalidFarmException.class, () -> lb.setWeight("web", "b1", -1)).getMessage());
            assertEquals("farm \"web\": has no backend \"b9\"",
                    assertThrows(InvalidFarmException.class, () -> lb.setWeights("web", Map.of("b9", 1))).getMessage());
            Farm clash = Farm.dnat("10.0.0.40").portRange(70, 90).named("other").roundRobin(Backend.at("10.1.0.12"));
            assertEquals("farm \"other\": 10.0.0.40 port 70-90 is already served by farm \"web\"",
                    assertThrows(InvalidFarmException.class, () -> lb.apply(clash)).getMessage());
            lb.setPath(io.nftlb.core.DsrPath.of("dsr").backend("b", "52:54:00:00:01:10")).join(); // alone: no commit
            assertThrows(UnsupportedFeatureException.class, () -> lb.apply(Farm.dsr("10.0.0.99").port(80).named("dsr")
                    .scheduler(io.nftlb.core.Scheduler.maglev(io.nftlb.core.Scheduler.HashField.SOURCE_ADDRESS)).backends(List.of(Backend.of("b", "10.1.0.12")))));
            assertEquals(commits, kernel.attempted().size());
            assertEquals(List.of(web()), lb.farms());
            // The clash was refused, so its address is free for a farm that does not clash.
            lb.apply(Farm.dnat("10.0.0.40").port(81).named("other").roundRobin(Backend.at("10.1.0.12"))).join();
            assertKernelHolds(lb);
        }
    }

    @Test
    void changesThatChangeNothingCompleteAtOnce() {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            int commits = kernel.attempted().size();
            assertTrue(lb.remove("nope").isDone());
            assertTrue(lb.setWeight("web", "b1", 100).isDone());
            assertTrue(lb.apply(web()).isDone());
            assertEquals(commits, kernel.attempted().size());
        }
    }

    /** Changes made while a commit is under way all go into the next transaction, and all complete with it. */
    @Test
    void aBurstIsCoalescedIntoOneTransaction() throws Exception {
        try (LoadBalancer lb = open()) {
            kernel.hold();
            CompletableFuture<Void> first = lb.apply(web());
            kernel.awaitAttempts(2); // the start-up, then the farm: held
            List<CompletableFuture<Void>> burst = new ArrayList<>();
            for (int w = 1; w <= 5; w++) {
                burst.add(lb.setWeight("web", "b1", w));
            }
            burst.add(lb.setWeights("web", Map.of("b1", 7, "b2", 9)));
            burst.add(lb.setState("web", "b2", BackendState.DRAIN));
            kernel.release();
            first.join();
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).join();
            assertEquals(3, kernel.attempted().size(), "start-up, the farm, then the burst in one transaction");
            Farm now = lb.farm("web").orElseThrow();
            assertEquals(7, now.backend("b1").orElseThrow().weight());
            assertEquals(BackendState.DRAIN, now.backend("b2").orElseThrow().state());
            assertKernelHolds(lb);
        }
    }

    @Test
    void aFailedCommitFailsItsCallersAndRollsBack() {
        List<String> events = new ArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(kernel).coalesce(Duration.ZERO).listener(new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                events.add("committed " + transaction.ops().size());
            }

            @Override
            public void failed(Transaction transaction, RuntimeException error) {
                events.add("failed " + ((TransportException) error).errno());
            }
        }).open()) {
            lb.apply(web()).join();
            String before = RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow());
            kernel.failNext("ENOBUFS");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> lb.setWeight("web", "b1", 1).join());
            assertEquals("ENOBUFS", assertInstanceOf(TransportException.class, e.getCause()).errno());
            assertEquals(web(), lb.farm("web").orElseThrow(), "the load balancer's state is rolled back too");
            assertEquals(before, RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
            // The next change is planned from what the kernel really has.
            lb.setWeight("web", "b2", 1).join();
            assertKernelHolds(lb);
            assertEquals(1, lb.farm("web").orElseThrow().backend("b2").orElseThrow().weight());
            assertEquals(100, lb.farm("web").orElseThrow().backend("b1").orElseThrow().weight());
            assertEquals(List.of("committed", "committed", "failed", "committed"),
                    events.stream().map(s -> s.split(" ")[0]).toList());
        }
    }

    /** A change built on a failed one is applied again on what the kernel has, and fails on its own if it must. */
    @Test
    void changesQueuedBehindAFailedCommitAreAppliedAgain() throws Exception {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            kernel.hold();
            Farm dns = Farm.dnat("10.0.0.53").udp().port(53).named("dns").roundRobin(Backend.of("d1", "10.1.0.20"));
            CompletableFuture<Void> created = lb.apply(dns);
            kernel.awaitAttempts(3); // the farm's creation is under way ...
            CompletableFuture<Void> onNewFarm = lb.setState("dns", "d1", BackendState.DOWN);
            CompletableFuture<Void> onOldFarm = lb.setWeight("web", "b1", 3);
            kernel.failNext("EPERM"); // ... and fails
            kernel.release();
            assertEquals("EPERM", ((TransportException) assertThrows(CompletionException.class, created::join)
                    .getCause()).errno());
            assertEquals("farm \"dns\" does not exist",
                    assertThrows(CompletionException.class, onNewFarm::join).getCause().getMessage());
            onOldFarm.join();
            assertEquals(List.of(web().backend("b1", b -> b.weight(3))), lb.farms());
            assertKernelHolds(lb);
        }
    }

    @Test
    void idsStayWithFarmsAndBackendsAndMarksAreNeverReused() {
        try (LoadBalancer lb = open()) {
            lb.apply(web()).join();
            var ids = lb.ids("web").orElseThrow();
            lb.setState("web", "b1", BackendState.DOWN).join();
            assertEquals(ids, lb.ids("web").orElseThrow());
            lb.apply(lb.farm("web").orElseThrow().withoutBackend("b2")).join();
            lb.apply(lb.farm("web").orElseThrow().backend(Backend.of("b2", "10.1.0.11"))).join();
            assertEquals(ids.farmId(), lb.ids("web").orElseThrow().farmId());
            assertEquals(ids.mark("b1"), lb.ids("web").orElseThrow().mark("b1"));
            assertNotEquals(ids.mark("b2"), lb.ids("web").orElseThrow().mark("b2"), "a removed backend's mark is not reused");
            assertKernelHolds(lb);
        }
    }

    /** A farm id places a slice of the scheduling map only: once its farm is gone from the kernel it is reused. */
    @Test
    void farmIdsAreReusedOnceTheirFarmIsGone() {
        try (LoadBalancer lb = open()) {
            lb.apply(farm(0)).join();
            lb.apply(farm(1)).join();
            int first = lb.ids("f0").orElseThrow().farmId();
            lb.remove("f0").join();
            lb.apply(farm(2)).join();
            assertEquals(first, lb.ids("f2").orElseThrow().farmId());
            assertKernelHolds(lb);
        }
    }

    /** Within the window, changes wait for each other; close cuts the window short and commits them together. */
    @Test
    void closeCommitsWhatIsQueuedInOneTransactionThenClosesTheTransport() {
        LoadBalancer lb = LoadBalancer.builder(kernel).coalesce(Duration.ofSeconds(30)).open();
        List<CompletableFuture<Void>> queued = List.of(lb.apply(web()), lb.setWeight("web", "b1", 5),
                lb.apply(farm(1)));
        lb.close();
        queued.forEach(CompletableFuture::join);
        assertEquals(2, kernel.attempted().size(), "start-up, then everything queued in one transaction");
        assertTrue(kernel.isClosed());
        assertThrows(IllegalStateException.class, () -> lb.apply(web()));
        assertEquals(List.of(web().backend("b1", b -> b.weight(5)), farm(1)), lb.farms());
        lb.close();
    }

    /** The window is a timer of the builder's scheduler: changes wait for it, then go together. */
    @Test
    void changesWithinTheCoalescingWindowAreCommittedTogetherWhenItEnds() throws Exception {
        FakeScheduler timers = new FakeScheduler(FakeClock.create());
        Duration window = Duration.ofMillis(50);
        try (LoadBalancer lb = LoadBalancer.builder(kernel).coalesce(window).scheduler(timers).open()) {
            int started = kernel.attempted().size();
            CompletableFuture<Void> first = lb.apply(web());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (timers.pending() == 0) { // the commit thread took the change and set the window's timer
                assertTrue(System.nanoTime() < deadline, "no window timer within 10 s");
                Thread.sleep(1);
            }
            List<CompletableFuture<Void>> more = List.of(lb.setWeight("web", "b1", 5), lb.apply(farm(1)));
            timers.advance(window.minusNanos(1));
            assertEquals(started, kernel.attempted().size(), "nothing is committed before the window ends");
            assertTrue(!first.isDone());
            timers.advance(Duration.ofNanos(1));
            first.join();
            more.forEach(CompletableFuture::join);
            assertEquals(started + 1, kernel.attempted().size(), "the three changes, one transaction");
            assertEquals(List.of(web().backend("b1", b -> b.weight(5)), farm(1)), lb.farms());
        }
    }

    /** Many threads at once: every call completes, and the kernel holds exactly the farms the load balancer reports. */
    @Test
    void concurrentCallersAreSerialized() throws Exception {
        try (LoadBalancer lb = open()) {
            for (int i = 0; i < 8; i++) {
                lb.apply(farm(i)).join();
            }
            List<Thread> threads = new ArrayList<>();
            List<CompletableFuture<Void>> calls = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int seed = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    Random random = new Random(seed);
                    for (int k = 0; k < 200; k++) {
                        String farm = "f" + random.nextInt(8);
                        calls.add(switch (random.nextInt(3)) {
                            case 0 -> lb.setWeight(farm, "b" + (1 + random.nextInt(2)), random.nextInt(100));
                            case 1 -> lb.setState(farm, "b1", BackendState.values()[random.nextInt(4)]);
                            default -> lb.setWeights(farm, Map.of("b1", 1 + random.nextInt(9), "b2", random.nextInt(9)));
                        });
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            assertEquals(1600, calls.size());
            assertKernelHolds(lb);
        }
    }

    // ---- the threads that complete futures

    /**
     * The future completes on the thread that committed (no hand-off to another thread), so a
     * dependent action runs there; one that waits for the load balancer does not block it.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a deadlock fails, not hangs
    void aDependentActionMayWaitForTheLoadBalancer() throws Exception {
        try (LoadBalancer lb = open()) {
            kernel.hold();
            CompletableFuture<Void> applied = lb.apply(web());
            kernel.awaitAttempts(2);
            CompletableFuture<String> chain = applied.thenApply(v -> {
                String completedOn = Thread.currentThread().getName();
                lb.setWeight("web", "b1", 5).join(); // needs a commit while this thread is busy here
                lb.setWeight("web", "b1", 6).thenRun(() -> lb.setWeight("web", "b2", 7).join()).join();
                return completedOn;
            });
            kernel.release();
            String completedOn = chain.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(completedOn.startsWith("nftlb-commit-"), completedOn);
            Farm now = lb.farm("web").orElseThrow();
            assertEquals(6, now.backend("b1").orElseThrow().weight());
            assertEquals(7, now.backend("b2").orElseThrow().weight());
            assertKernelHolds(lb);
        }
    }

    /** Closing from a dependent action commits what is queued and closes the transport before it returns. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a deadlock fails, not hangs
    void aDependentActionMayCloseTheLoadBalancer() throws Exception {
        LoadBalancer lb = open();
        kernel.hold();
        CompletableFuture<Void> applied = lb.apply(web());
        kernel.awaitAttempts(2);
        CompletableFuture<Void> queued = lb.setWeight("web", "b1", 5);
        CompletableFuture<Boolean> closed = applied.thenApply(v -> {
            lb.close();
            return kernel.isClosed();
        });
        kernel.release();
        assertTrue(closed.get(20, java.util.concurrent.TimeUnit.SECONDS), "the transport was closed when close returned");
        queued.join();
        assertEquals(5, lb.farm("web").orElseThrow().backend("b1").orElseThrow().weight());
        assertEquals(3, kernel.attempted().size());
    }

    /** Callers from many threads, each waiting in a dependent action for the next change: none is stuck. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a deadlock fails, not hangs
    void chainsOfDependentActionsFromManyThreadsAllComplete() throws Exception {
        try (LoadBalancer lb = open()) {
            for (int i = 0; i < 4; i++) {
                lb.apply(farm(i)).join();
            }
            List<CompletableFuture<Void>> chains = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String farm = "f" + i;
                CompletableFuture<Void> chain = lb.setWeight(farm, "b1", 1);
                for (int w = 2; w <= 50; w++) {
                    int weight = w;
                    chain = chain.thenRun(() -> lb.setWeight(farm, "b1", weight).join());
                }
                chains.add(chain);
            }
            CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < 4; i++) {
                assertEquals(50, lb.farm("f" + i).orElseThrow().backend("b1").orElseThrow().weight());
            }
            assertKernelHolds(lb);
        }
    }

    @Test
    void aRefusedStartUpLeavesTheTransportToTheCaller() {
        kernel.failNext("EPERM");
        assertThrows(TransportException.class, this::open);
        assertFalse(kernel.isClosed());
    }
}
