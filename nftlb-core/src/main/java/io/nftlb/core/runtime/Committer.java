package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes changes and commits them: callers' edits are applied to the desired state under
 * one lock (so that invalid ones fail in the caller's thread), and one thread takes whatever
 * has queued up, waits a short window for more, plans one transaction and commits it. Changes
 * that arrive while a commit is under way go into the next one, so bursts coalesce even with
 * no window. The same thread runs the drift checks between commits (so commits and readbacks
 * never overlap), deletes the connections of backends a commit took out of service, and then
 * completes the callers' futures ({@link CommitThreads}: another thread takes over committing
 * if a caller's dependent action needs the load balancer meanwhile).
 *
 * <p>Time: the drift checks' interval and the coalescing window are timers of the builder's
 * {@link TaskScheduler}, so a test that injects a fake one decides when they fire. The durations
 * in {@link CommitReport}s are measured on the system's monotonic clock: they report how long the
 * kernel and the planner really took, which a fake clock cannot tell.
 */
final class Committer {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final Transport transport;
    private final Listeners listeners;
    private final Reconciler reconciler;
    private final Optional<Duration> driftInterval;
    private final DriftCheck driftCheck;
    private final Optional<ConnectionTable> connections;
    private final CommitTimers timers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition(); // a change is queued, a check is due, or closing
    private final State state; // guarded by lock
    private boolean open = true; // guarded by lock
    private final CommitThreads threads; // guarded by lock
    private int queuedCalls; // calls queued since the last batch started; guarded by lock
    private long queuedSince; // System.nanoTime() of the first of them; guarded by lock

    /**
     * @throws IllegalArgumentException if the settings ask for what the transport cannot do
     */
    Committer(Transport transport, State state, Settings settings) {
        this.transport = transport;
        this.state = state;
        this.listeners = new Listeners(settings.listeners());
        this.driftInterval = settings.driftCheck();
        this.timers = new CommitTimers(settings.scheduler(), lock, queued, driftInterval, settings.window());
        this.reconciler = new Reconciler(transport, driftInterval.isPresent());
        this.driftCheck = new DriftCheck(reconciler, listeners);
        this.connections = settings.flushConnections() ? transport.connections() : Optional.empty();
        if (settings.flushConnections() && connections.isEmpty()) {
            throw new IllegalArgumentException("flushConnectionsOnRemoval: transport " + transport
                    + " has no connection table (the netlink transport has one)");
        }
        this.threads = new CommitThreads(lock, this::lead);
    }

    /**
     * Brings the kernel to {@code farms} and the policies and paths already submitted, in the
     * caller's thread ({@link StartUp}), then starts the threads.
     *
     * @throws IllegalArgumentException if a farm is invalid, or drift checks were asked of a
     *     transport that cannot read tables back; nothing reached the kernel then
     * @throws io.nftlb.core.transport.TransportException if the kernel refused the transaction
     */
    void start(List<Farm> farms) {
        StartUp.converge(transport, reconciler, listeners, state, farms, driftInterval.isPresent());
        lock.lock();
        try {
            timers.start();
        } finally {
            lock.unlock();
        }
        threads.start();
    }

    /**
     * Applies the edits of {@code group} to the desired state, in order, and queues them
     * together: holding the lock throughout, they all go into the same batch, so into one
     * transaction. The changes of a group share their future.
     *
     * @return completes when the transaction that carries the changes is committed, or
     *     exceptionally with the reason it was not
     * @throws IllegalArgumentException (often {@link io.nftlb.core.InvalidFarmException}) and
     *     {@link io.nftlb.core.compile.UnsupportedFeatureException} if a change is invalid;
     *     nothing changes then, not even by the changes before it in the group
     */
    CompletableFuture<Void> submit(List<Change> group) {
        if (group.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (!open) {
                throw new IllegalStateException("the load balancer is closed");
            }
            if (state.submit(group) == 0) {
                return CompletableFuture.completedFuture(null);
            }
            if (queuedCalls++ == 0) {
                queuedSince = System.nanoTime();
            }
            queued.signal();
            threads.promoteIfVacant();
        } finally {
            lock.unlock();
        }
        return group.get(0).done();
    }

    /** Runs a query of the state under the lock. */
    <T> T read(Function<State, T> query) {
        lock.lock();
        try {
            return query.apply(state);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The leader's loop ({@link CommitThreads}): returns when this thread has stepped down to
     * complete futures and another took over meanwhile, or once closed with nothing left.
     */
    private void lead() {
        try {
            for (Work work = awaitWork(); work != Work.STOP; work = awaitWork()) {
                if (work == Work.CHECK) {
                    driftCheck.run(() -> read(State::committedTables));
                    continue;
                }
                timers.awaitWindow();
                Batch batch;
                int calls;
                long since;
                lock.lock();
                try {
                    batch = state.startBatch();
                    calls = queuedCalls;
                    since = calls == 0 ? System.nanoTime() : queuedSince;
                    queuedCalls = 0;
                } finally {
                    lock.unlock();
                }
                Runnable tellCallers = commit(batch, calls, since);
                if (!tellCallersAndResume(tellCallers)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("the load balancer's commit loop failed; it commits nothing more", e);
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            log.warn("closing transport {} failed", transport, e);
        }
        lock.lock();
        try {
            threads.end();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Completes the callers' futures in this thread, with the leader's role vacant meanwhile,
     * since their dependent actions run here and may wait for the load balancer.
     *
     * @return whether this thread still leads afterwards
     */
    private boolean tellCallersAndResume(Runnable tellCallers) {
        lock.lock();
        try {
            threads.stepDown();
        } finally {
            lock.unlock();
        }
        try {
            tellCallers.run();
        } catch (RuntimeException | Error e) {
            log.error("completing the callers' futures failed", e); // CompletableFuture keeps actions' exceptions
        }
        lock.lock();
        try {
            return threads.resume();
        } finally {
            lock.unlock();
        }
    }

    private enum Work { COMMIT, CHECK, STOP }

    /**
     * Waits for a change to commit or a drift check to be due (a due check goes first, so a
     * steady stream of changes cannot starve it); STOP once closed with nothing left to commit.
     */
    private Work awaitWork() {
        lock.lock();
        try {
            while (true) {
                if (timers.takeDueCheck()) {
                    return Work.CHECK;
                }
                if (state.hasQueued()) {
                    return Work.COMMIT;
                }
                if (!open) {
                    return Work.STOP;
                }
                queued.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param calls how many calls the batch carries, the first made at {@code since} (System.nanoTime())
     * @return what tells the batch's callers how it went: to run with the lock not held
     */
    private Runnable commit(Batch batch, int calls, long since) {
        Transaction tx = Transaction.of(List.of());
        RuntimeException failure = null;
        long sent = 0;
        try {
            tx = batch.replacement().map(Planner::create)
                    .orElseGet(() -> SkeletonPlanner.diff(batch.before(), batch.after(), batch.farmChanges(), batch.shards()));
            tx = batch.ingress().joinedTo(tx); // one transaction for both tables
            if (!tx.isEmpty()) {
                sent = System.nanoTime();
                Transaction whole = tx;
                TableHandover.commit(reconciler, batch.replacement().map(List::of).orElse(List.of()),
                        () -> driftCheck.commitRepairing(whole, () -> read(State::committedTables)));
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // Keep serving later changes; this batch's callers learn what happened.
            failure = new IllegalStateException("commit failed: " + e, e);
        }
        long acked = System.nanoTime();
        List<Change> replayedDone = new ArrayList<>();
        List<State.Dropped> dropped = List.of();
        List<Long> leaving = List.of();
        lock.lock();
        try {
            if (failure == null) {
                if (connections.isPresent()) {
                    leaving = LeavingMarks.of(batch, state.committedEntryMap());
                }
                state.finish(batch);
            } else {
                dropped = state.abort(replayedDone);
            }
        } catch (RuntimeException e) {
            // A bug of ours: say so loudly, and still tell this batch's callers rather than leave them waiting.
            log.error("internal error while recording a commit; the load balancer's state may be wrong", e);
            failure = failure != null ? failure : e;
            replayedDone.clear();
        } finally {
            lock.unlock();
        }
        // After recording it: a failure to record makes the commit a failure too.
        listeners.transaction(new CommitReport(CommitReport.Cause.CHANGE, tx, calls, Duration.ofNanos(acked - since),
                Duration.ofNanos(sent == 0 ? 0 : acked - sent), Optional.ofNullable(failure)));
        if (failure == null) {
            flush(leaving);
        } else {
            log.warn("commit of {} change(s) to farm(s) {}, policies or paths failed and was rolled back: {}",
                    batch.changes().size(), batch.farms().keySet(), failure.getMessage());
        }
        RuntimeException error = failure;
        List<State.Dropped> droppedGroups = dropped;
        return () -> {
            batch.changes().forEach(c -> {
                if (error == null) {
                    c.done().complete(null);
                } else {
                    c.done().completeExceptionally(error);
                }
            });
            replayedDone.forEach(c -> c.done().complete(null));
            droppedGroups.forEach(d -> d.change().done().completeExceptionally(d.error()));
        };
    }

    /**
     * Deletes the connections of backends the commit took out of service, before their callers
     * learn it is done. A failure here does not undo the commit: it is logged.
     */
    private void flush(List<Long> marks) {
        for (long mark : marks) {
            try {
                long n = connections.orElseThrow().deleteByMark(mark);
                log.debug("deleted {} connection(s) of mark 0x{}", n, Long.toHexString(mark));
            } catch (RuntimeException e) {
                log.warn("deleting the connections of mark 0x{} failed: {}", Long.toHexString(mark), e.toString());
            }
        }
    }

    /**
     * Stops taking changes, commits those already taken, closes the transport, and returns when
     * done; at once if called by the leader itself (a listener), whose loop ends after this batch.
     */
    void close() {
        lock.lock();
        try {
            open = false;
            timers.close();
            queued.signalAll();
            threads.promoteIfVacant(); // a caller's action that closes us while its leader stepped down
            if (threads.leads(Thread.currentThread())) {
                return;
            }
        } finally {
            lock.unlock();
        }
        threads.awaitEnd();
    }
}
