package io.nftlb.core.runtime;

import java.time.Duration;

/**
 * Runs a task once after a delay: the timers of the load balancer (drift checks, the
 * coalescing window) and of the health monitor. Tasks must be short: they only hand work to
 * other threads. Tests inject {@link io.nftlb.core.testing.FakeScheduler} to drive time by hand.
 */
@FunctionalInterface
public interface TaskScheduler {

    /** Runs {@code task} after {@code delay}; the returned handle cancels it if not yet run. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Cancels a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** A scheduler on one daemon platform thread, shared by every load balancer and monitor. */
    static TaskScheduler system() {
        return SystemScheduler.INSTANCE;
    }
}
