package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The numbers listeners are told about each transaction and drift check. */
class CommitReportTest {

    final FakeTransport kernel = new FakeTransport();
    final List<CommitReport> reports = new CopyOnWriteArrayList<>();
    final List<DriftReport> checks = new CopyOnWriteArrayList<>();
    final CommitListener recorder = new CommitListener() {
        @Override
        public void measured(CommitReport report) {
            reports.add(report);
        }

        @Override
        public void checked(DriftReport report) {
            checks.add(report);
        }
    };

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .weighted(Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50));
    }

    @Test
    void aStartUpAndAChangeAreReportedWithTheirSizeAndTimes() {
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(recorder).farms(List.of(web())).open()) {
            lb.setWeight("web", "b1", 7).join();
        }
        assertEquals(List.of(CommitReport.Cause.START_UP, CommitReport.Cause.CHANGE),
                reports.stream().map(CommitReport::cause).toList());
        CommitReport startUp = reports.get(0);
        assertEquals(kernel.committed().get(0), startUp.transaction());
        assertEquals(0, startUp.changes());
        CommitReport weight = reports.get(1);
        assertEquals(kernel.committed().get(1), weight.transaction());
        assertEquals(1, weight.changes());
        assertEquals(weight.transaction().ops().size(), weight.operations());
        int elements = weight.transaction().ops().stream().mapToInt(op -> op instanceof Op.AddElements a
                ? a.elements().size() : op instanceof Op.DeleteElements d ? d.elements().size() : 0).sum();
        assertTrue(elements > 0, "a weight change is element operations: " + weight.transaction());
        assertEquals(elements, weight.elements());
        assertTrue(weight.succeeded());
        assertEquals(Optional.empty(), weight.errno());
        assertTrue(weight.transport().compareTo(weight.latency()) <= 0, weight.toString());
        assertFalse(weight.transport().isZero(), "the transport's share was measured");
    }

    @Test
    void changesQueuedDuringACommitAreCountedInTheNextOne() throws Exception {
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(recorder).farms(List.of(web())).open()) {
            kernel.hold();
            CompletableFuture<Void> first = lb.setWeight("web", "b1", 1);
            kernel.awaitAttempts(2); // the start-up, then the first change: held
            List<CompletableFuture<Void>> burst = new ArrayList<>();
            burst.add(lb.setWeight("web", "b1", 2));
            burst.add(lb.setWeight("web", "b2", 3));
            burst.add(lb.update(c -> c.setWeight("web", "b1", 4).setWeight("web", "b2", 5)));
            kernel.release();
            first.join();
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).join();
        }
        assertEquals(List.of(0, 1, 3), reports.stream().map(CommitReport::changes).toList(),
                "one call, then three calls (one an update of two changes) in one transaction");
        assertEquals(3, kernel.committed().size());
    }

    @Test
    void aFailureIsReportedWithItsErrnoAndOperation() {
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(recorder).farms(List.of(web())).open()) {
            Op refused = new Op.AddTable(Layout.TABLE);
            kernel.failNext(new TransportException("no room", "ENOMEM", Optional.of(refused)));
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> lb.setWeight("web", "b1", 9).join());
            assertEquals("ENOMEM", ((TransportException) e.getCause()).errno());
            kernel.failNext(new IllegalStateException("not the transport's"));
            org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> lb.setWeight("web", "b1", 8).join());
            CommitReport failed = reports.get(1);
            assertFalse(failed.succeeded());
            assertEquals(Optional.of("ENOMEM"), failed.errno());
            assertEquals(Optional.of(refused), failed.failedOperation());
            assertEquals(1, failed.changes());
            assertEquals(Optional.of("UNKNOWN"), reports.get(2).errno());
            assertEquals(Optional.empty(), reports.get(2).failedOperation());
        }
    }

    @Test
    void driftChecksAndTheirRepairsAreReported() throws Exception {
        FakeScheduler timers = new FakeScheduler(FakeClock.create());
        Duration interval = Duration.ofSeconds(5);
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(recorder).farms(List.of(web()))
                .driftCheck(interval).scheduler(timers).open()) {
            timers.advance(interval);
            await(() -> !checks.isEmpty());
            assertEquals(new DriftReport(false, 0, checks.get(0).duration(), Optional.empty()), checks.get(0),
                    "nothing else committed: the generation says so without a readback");
            kernel.tamper(Transaction.of(List.of(new Op.DeleteTable(Layout.TABLE))));
            timers.advance(interval);
            await(() -> reports.stream().anyMatch(r -> r.cause() == CommitReport.Cause.REPAIR));
            DriftReport found = checks.stream().filter(c -> c.drifted() > 0).findFirst().orElseThrow();
            assertTrue(found.readBack());
            assertEquals(1, found.drifted());
            CommitReport repair = reports.stream().filter(r -> r.cause() == CommitReport.Cause.REPAIR).findFirst()
                    .orElseThrow();
            assertTrue(repair.succeeded());
            assertEquals(0, repair.changes());
            assertTrue(kernel.committed().contains(repair.transaction()));
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in 20 s");
            }
            Thread.sleep(2);
        }
    }
}
