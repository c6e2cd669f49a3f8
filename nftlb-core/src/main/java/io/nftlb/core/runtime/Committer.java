package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.Transaction;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes changes and commits them: callers' edits are applied to the desired state under
 * one lock (so that invalid ones fail in the caller's thread), and one thread takes whatever
 * has queued up, waits a short window for more, plans one transaction and commits it. Changes
 * that arrive while a commit is under way go into the next one, so bursts coalesce even with
 * no window.
 */
final class Committer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final Transport transport;
    private final Duration window;
    private final List<CommitListener> listeners;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition closing = lock.newCondition();
    private final State state; // guarded by lock
    private boolean open = true; // guarded by lock
    private final Thread thread;

    Committer(Transport transport, State state, Duration window, List<CommitListener> listeners) {
        this.transport = transport;
        this.state = state;
        this.window = window;
        this.listeners = List.copyOf(listeners);
        this.thread = Thread.ofPlatform().daemon().name("nftlb-commit").unstarted(this);
    }

    /** Commits the start-up transaction in the caller's thread (it throws if refused), then starts the thread. */
    void start(Transaction startUp) {
        transport.commit(startUp);
        notifyListeners(startUp, null);
        thread.start();
    }

    /**
     * Applies {@code edit} to the desired state of {@code farm} and queues it.
     *
     * @return completes when the transaction that carries the change is committed, or
     *     exceptionally with the reason it was not
     * @throws IllegalArgumentException (often {@link io.nftlb.core.InvalidFarmException}) and
     *     {@link io.nftlb.core.compile.UnsupportedFeatureException} if the change is invalid;
     *     nothing changes then
     */
    CompletableFuture<Void> submit(String farm, UnaryOperator<Optional<Farm>> edit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (!open) {
                throw new IllegalStateException("the load balancer is closed");
            }
            if (!state.submit(new Change(farm, edit, done))) {
                return CompletableFuture.completedFuture(null);
            }
            queued.signal();
        } finally {
            lock.unlock();
        }
        return done;
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

    @Override
    public void run() {
        try {
            while (awaitWork()) {
                coalesce();
                Batch batch;
                lock.lock();
                try {
                    batch = state.startBatch();
                } finally {
                    lock.unlock();
                }
                commit(batch);
            }
        } finally {
            try {
                transport.close();
            } catch (RuntimeException e) {
                log.warn("closing transport {} failed", transport, e);
            }
        }
    }

    /** Waits for a change; false once closed with nothing left to commit. */
    private boolean awaitWork() {
        lock.lock();
        try {
            while (open && !state.hasQueued()) {
                queued.awaitUninterruptibly();
            }
            return state.hasQueued();
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

    private void commit(Batch batch) {
        Transaction tx = Transaction.of(List.of());
        RuntimeException failure = null;
        try {
            tx = Planner.diff(batch.before(), batch.after(), batch.farmChanges());
            if (!tx.isEmpty()) {
                transport.commit(tx);
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // Keep serving later changes; this batch's callers learn what happened.
            failure = new IllegalStateException("commit failed: " + e, e);
        }
        List<Change> done = new ArrayList<>();
        List<State.Dropped> dropped = List.of();
        lock.lock();
        try {
            if (failure == null) {
                state.finish(batch);
            } else {
                dropped = state.abort(done);
            }
        } catch (RuntimeException e) {
            // A bug of ours: say so loudly, and still tell this batch's callers rather than leave them waiting.
            log.error("internal error while recording a commit; the load balancer's state may be wrong", e);
            failure = failure != null ? failure : e;
            done.clear();
        } finally {
            lock.unlock();
        }
        if (failure == null) {
            notifyListeners(tx, null);
            done.addAll(batch.changes());
        } else {
            log.warn("commit of {} change(s) to farm(s) {} failed and was rolled back: {}", batch.changes().size(),
                    batch.farms().keySet(), failure.getMessage());
            notifyListeners(tx, failure);
        }
        complete(done, batch.changes(), failure, dropped);
    }

    private void notifyListeners(Transaction tx, RuntimeException failure) {
        for (CommitListener l : listeners) {
            try {
                if (failure == null) {
                    l.committed(tx);
                } else {
                    l.failed(tx, failure);
                }
            } catch (RuntimeException e) {
                log.warn("commit listener {} threw", l, e);
            }
        }
    }

    /**
     * Completes the callers' futures on a thread of their own: a caller's dependent action may
     * wait for the load balancer, which this thread must stay free to serve.
     */
    private static void complete(List<Change> done, List<Change> batch, RuntimeException failure,
                                 List<State.Dropped> dropped) {
        if (done.isEmpty() && dropped.isEmpty() && failure == null) {
            return;
        }
        Thread.ofVirtual().name("nftlb-complete").start(() -> {
            if (failure != null) {
                batch.forEach(c -> c.done().completeExceptionally(failure));
            }
            done.forEach(c -> c.done().complete(null));
            dropped.forEach(d -> d.change().done().completeExceptionally(d.error()));
        });
    }

    /** Stops taking changes, commits those already taken, closes the transport, and returns when done. */
    void close() {
        lock.lock();
        try {
            open = false;
            queued.signalAll();
            closing.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            return; // a listener closing us: the loop ends after this batch
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
