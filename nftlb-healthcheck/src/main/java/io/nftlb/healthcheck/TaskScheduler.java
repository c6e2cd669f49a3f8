package io.nftlb.healthcheck;

import io.nftlb.healthcheck.internal.SystemScheduler;
import java.time.Duration;

/**
 * Runs a task once after a delay. Tasks must be short: the monitor hands the real work to
 * virtual threads. Inject {@code FakeScheduler} in tests.
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

    /** A scheduler on one daemon platform thread, shared by every monitor. */
    static TaskScheduler system() {
        return SystemScheduler.INSTANCE;
    }
}
