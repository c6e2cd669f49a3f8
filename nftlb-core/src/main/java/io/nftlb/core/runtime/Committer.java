package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.Layout;
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
 */
final class Committer {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final Transport transport;
    private final Duration window;
    private final Listeners listeners;
    private final Reconciler reconciler;
    private final Optional<Duration> driftInterval;
    private final DriftCheck driftCheck;
    private final Optional<ConnectionTable> connections;
    private long nextDriftCheck; // System.nanoTime(); guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition closing = lock.newCondition();
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
        this.window = settings.window();
        this.listeners = new Listeners(settings.listeners());
        this.driftInterval = settings.driftCheck();
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
     * Brings the kernel to {@code farms} (and the policies and paths already set) in the
     * caller's thread, then starts the thread. It converges rather than replaces: the library's
     * tables are read back first, farms and backends found there get the ids and marks they
     * have (see {@link BackendIdentity}; ingress farms keep their slot slices), and one
     * transaction changes only what differs, so live connections keep their backend, and a new
     * connection finds a complete table at every instant. A table that is already exactly what the farms compile to is adopted as it is
     * (nothing is committed for it: round-robin positions and learnt client MACs carry on). Only
     * a table that cannot be joined by a diff (missing, unreadable, or declared differently, as by
     * another release) is replaced. Nothing outside these tables is touched.
     *
     * @throws IllegalArgumentException if a farm is invalid, or drift checks were asked of a
     *     transport that cannot read tables back; nothing reached the kernel then
     * @throws io.nftlb.core.transport.TransportException if the kernel refused the transaction
     */
    void start(List<Farm> farms) {
        long began = System.nanoTime();
        Optional<Reconciler.Snapshot> kernel;
        try {
            kernel = Optional.of(reconciler.read(List.of(Layout.TABLE, PolicyCompiler.TABLE)));
        } catch (UnsupportedOperationException e) {
            if (driftInterval.isPresent()) {
                throw new IllegalArgumentException("driftCheck: transport " + transport
                        + " cannot read tables back (" + e.getMessage() + ")", e);
            }
            kernel = Optional.empty();
        }
        BackendIdentity.Recovered found = kernel.flatMap(k -> k.table(Layout.TABLE)).map(BackendIdentity::recover)
                .orElse(BackendIdentity.Recovered.none());
        Optional<Table> netdev = kernel.flatMap(k -> k.table(PolicyCompiler.TABLE));
        state.recover(netdev.map(found::withIngress).orElse(found)); // ingress farms keep their slot slices
        for (Farm farm : farms) {
            state.submit(new Change(farm.name(), current -> Optional.of(farm), new CompletableFuture<>()));
        }
        Batch batch = state.startBatch();
        Table desired = batch.after().table(batch.farms().values().stream()
                .map(e -> e.orElseThrow().part()).filter(java.util.Objects::nonNull).toList());
        boolean ingress = !batch.ingress().ops().isEmpty(); // the netdev table is wanted
        List<Table> expected = ingress ? List.of(desired, batch.ingress().desiredTable()) : List.of(desired);
        Optional<Reconciler.Snapshot> read = kernel; // both tables, read once
        List<Reconciler.Drift> drifts = read.map(k -> reconciler.drifts(expected, k)).orElseGet(() -> expected
                .stream().map(t -> new Reconciler.Drift(t, List.of("the transport cannot read it back"))).toList());
        // Each drift names the expected table it is about: the inet one is `desired`, any other the netdev one.
        boolean inetAdopted = drifts.stream().noneMatch(d -> d.expected() == desired);
        boolean netdevAdopted = drifts.stream().allMatch(d -> d.expected() == desired);
        if (inetAdopted) {
            log.info("adopted table {} as the kernel has it: it already holds the {} farm(s) asked for",
                    Layout.TABLE, farms.size());
        }
        if (ingress && netdevAdopted) {
            log.info("adopted table {} as the kernel has it: it already holds the policies and paths asked for",
                    PolicyCompiler.TABLE);
        }
        if (!drifts.isEmpty()) {
            log.debug("converging: {}", drifts.stream().flatMap(d -> d.differences().stream()).toList());
            Reconciler.Convergence convergence = reconciler.converge(read, drifts);
            log.info("start-up: {} the kernel's tables, {} operation(s)",
                    convergence.replaces() ? "made anew" : "patched", convergence.ops().size());
            Transaction startUp = Transaction.of(convergence.ops());
            long sent = System.nanoTime();
            reconciler.commit(startUp, convergence.replaces());
            long acked = System.nanoTime();
            listeners.transaction(new CommitReport(CommitReport.Cause.START_UP, startUp, 0,
                    Duration.ofNanos(acked - began), Duration.ofNanos(acked - sent), Optional.empty()));
        }
        state.finish(batch);
        nextDriftCheck = System.nanoTime() + driftInterval.map(Duration::toNanos).orElse(0L);
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
        return group.isEmpty() ? CompletableFuture.completedFuture(null) : submit(group, List.of(), group.get(0).done());
    }

    /**
     * {@link #submit(List)} with changes of the policies and paths in the same batch (made
     * first): all of them share {@code done}.
     */
    CompletableFuture<Void> submit(List<Change> group, List<IngressChange> ingressGroup, CompletableFuture<Void> done) {
        if (group.isEmpty() && ingressGroup.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (!open) {
                throw new IllegalStateException("the load balancer is closed");
            }
            if (state.submitGroup(group, ingressGroup) == 0) {
                return CompletableFuture.completedFuture(null);
            }
            countQueued();
            queued.signal();
            threads.promoteIfVacant();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /**
     * Applies a change of the policies or paths to the desired state and queues it, like
     * {@link #submit} does for farms.
     */
    CompletableFuture<Void> submitIngress(java.util.function.Function<CompletableFuture<Void>, IngressChange> change) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (!open) {
                throw new IllegalStateException("the load balancer is closed");
            }
            if (!state.submitIngress(change.apply(done))) {
                return CompletableFuture.completedFuture(null);
            }
            countQueued();
            queued.signal();
            threads.promoteIfVacant();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** One more call in the next batch (for {@link CommitReport}); the lock is held. */
    private void countQueued() {
        if (queuedCalls++ == 0) {
            queuedSince = System.nanoTime();
        }
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
                coalesce();
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
                long left = driftInterval.isPresent() ? nextDriftCheck - System.nanoTime() : Long.MAX_VALUE;
                if (open && left <= 0) {
                    nextDriftCheck = System.nanoTime() + driftInterval.get().toNanos();
                    return Work.CHECK;
                }
                if (state.hasQueued()) {
                    return Work.COMMIT;
                }
                if (!open) {
                    return Work.STOP;
                }
                if (driftInterval.isPresent()) {
                    queued.awaitNanos(left);
                } else {
                    queued.awaitUninterruptibly();
                }
            }
        } catch (InterruptedException e) {
            // Nothing interrupts this thread on purpose; keep serving (close() ends the loop).
            return state.hasQueued() ? Work.COMMIT : open ? Work.CHECK : Work.STOP;
        } finally {
            lock.unlock();
        }
    }

    /** Lets more changes join the batch for the window (cut short by close). */
    private void coalesce() {
        if (window.isZero()) {
            return;
        }
        lock.lock();
        try {
            long left = window.toNanos();
            while (open && left > 0) {
                left = closing.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            tx = IngressOps.join(tx, batch.ingress().ops()); // one transaction for both tables
            if (!tx.isEmpty()) {
                sent = System.nanoTime();
                driftCheck.commitRepairing(tx, () -> read(State::committedTables));
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // Keep serving later changes; this batch's callers learn what happened.
            failure = new IllegalStateException("commit failed: " + e, e);
        }
        long acked = System.nanoTime();
        List<Change> done = new ArrayList<>();
        List<IngressChange> ingressDone = new ArrayList<>();
        List<State.IngressDropped> ingressDropped = List.of();
        List<State.Dropped> dropped = List.of();
        List<Long> leaving = List.of();
        lock.lock();
        try {
            if (failure == null) {
                if (connections.isPresent()) {
                    leaving = state.marksLeaving(batch);
                }
                state.finish(batch);
            } else {
                ingressDropped = state.abortIngress(ingressDone);
                dropped = state.abort(done);
            }
        } catch (RuntimeException e) {
            // A bug of ours: say so loudly, and still tell this batch's callers rather than leave them waiting.
            log.error("internal error while recording a commit; the load balancer's state may be wrong", e);
            failure = failure != null ? failure : e;
            done.clear();
            ingressDone.clear();
        } finally {
            lock.unlock();
        }
        // After recording it: a failure to record makes the commit a failure too.
        listeners.transaction(new CommitReport(CommitReport.Cause.CHANGE, tx, calls, Duration.ofNanos(acked - since),
                Duration.ofNanos(sent == 0 ? 0 : acked - sent), Optional.ofNullable(failure)));
        if (failure == null) {
            flush(leaving);
            done.addAll(batch.changes());
            ingressDone.addAll(batch.ingress().changes());
        } else {
            log.warn("commit of {} change(s) to farm(s) {} and {} to policies or paths failed and was rolled back: {}",
                    batch.changes().size(), batch.farms().keySet(), batch.ingress().changes().size(),
                    failure.getMessage());
        }
        RuntimeException error = failure;
        List<State.Dropped> farmsDropped = dropped;
        List<State.IngressDropped> ingressesDropped = ingressDropped;
        return () -> {
            complete(done, batch.changes(), error, farmsDropped);
            IngressOps.complete(ingressDone, batch.ingress().changes(), error, ingressesDropped);
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

    private static void complete(List<Change> done, List<Change> batch, RuntimeException failure,
                                 List<State.Dropped> dropped) {
        if (failure != null) {
            batch.forEach(c -> c.done().completeExceptionally(failure));
        }
        done.forEach(c -> c.done().complete(null));
        dropped.forEach(d -> d.change().done().completeExceptionally(d.error()));
    }

    /**
     * Stops taking changes, commits those already taken, closes the transport, and returns when
     * done; at once if called by the leader itself (a listener), whose loop ends after this batch.
     */
    void close() {
        lock.lock();
        try {
            open = false;
            queued.signalAll();
            closing.signalAll();
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
