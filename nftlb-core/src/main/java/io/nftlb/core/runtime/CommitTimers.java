package io.nftlb.core.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The commit thread's timers, on the builder's {@link TaskScheduler}: when the next drift check
 * is due, and when a coalescing window ends. A timer firing only sets a flag and wakes the
 * commit thread, so with a fake scheduler a test decides, by advancing its clock, when checks
 * run and windows end.
 */
final class CommitTimers {

    private final TaskScheduler scheduler;
    private final ReentrantLock lock;
    private final Condition wake;
    private final Condition windowEnded;
    private final Optional<Duration> driftInterval;
    private final Duration window;
    private boolean checkDue; // guarded by lock
    private boolean closed; // guarded by lock
    private TaskScheduler.Cancellable nextCheck = () -> { }; // guarded by lock

    /** @param wake signalled when a drift check falls due (the commit thread waits on it) */
    CommitTimers(TaskScheduler scheduler, ReentrantLock lock, Condition wake, Optional<Duration> driftInterval,
                 Duration window) {
        this.scheduler = scheduler;
        this.lock = lock;
        this.wake = wake;
        this.windowEnded = lock.newCondition();
        this.driftInterval = driftInterval;
        this.window = window;
    }

    /** Sets the first drift check's timer, if there are checks. The lock is held. */
    void start() {
        scheduleCheck();
    }

    /** Whether a drift check is due; if so, it is taken, and the next one is set. The lock is held. */
    boolean takeDueCheck() {
        if (!checkDue || closed) {
            return false;
        }
        checkDue = false;
        scheduleCheck();
        return true;
    }

    private void scheduleCheck() {
        driftInterval.ifPresent(interval -> nextCheck = scheduler.schedule(interval, () -> {
            lock.lock();
            try {
                checkDue = true;
                wake.signal();
            } finally {
                lock.unlock();
            }
        }));
    }

    /** Waits out the coalescing window (at once if there is none), cut short by {@link #close}. The lock is not held. */
    void awaitWindow() {
        if (window.isZero()) {
            return;
        }
        boolean[] over = {false};
        TaskScheduler.Cancellable timer = scheduler.schedule(window, () -> {
            lock.lock();
            try {
                over[0] = true;
                windowEnded.signalAll();
            } finally {
                lock.unlock();
            }
        });
        BooleanSupplier waiting = () -> !over[0] && !closed;
        lock.lock();
        try {
            while (waiting.getAsBoolean()) {
                windowEnded.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        timer.cancel();
    }

    /** No more checks; a window under way ends now. The lock is held. */
    void close() {
        closed = true;
        nextCheck.cancel();
        windowEnded.signalAll();
    }
}
