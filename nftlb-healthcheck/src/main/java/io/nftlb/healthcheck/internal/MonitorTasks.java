package io.nftlb.healthcheck.internal;

import io.nftlb.core.runtime.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where a monitor's work runs: a timer that only hands tasks over, and an executor that runs
 * them (probes, estimates, sink calls). Owns the executor when it made it.
 */
public final class MonitorTasks {

    private final TaskScheduler scheduler;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private volatile boolean stopped;

    /** Runs tasks on {@code executor}, or on a virtual thread each when it is null. */
    public MonitorTasks(TaskScheduler scheduler, Executor executor) {
        this.scheduler = scheduler;
        if (executor == null) {
            this.ownedExecutor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("nftlb-probe-", 0).factory());
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = executor;
        }
    }

    /** The executor, for work that waits on its own tasks (probes with a timeout). */
    public Executor executor() {
        return executor;
    }

    /** Runs {@code task} on the executor after {@code delay}. */
    public TaskScheduler.Cancellable later(Duration delay, Runnable task) {
        return scheduler.schedule(delay, () -> execute(task));
    }

    /** Runs {@code task} on the executor now. */
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (!stopped) { // after stop, a timer that fired late meets a closed executor: nothing to do
                throw e;
            }
        }
    }

    /** Refuses nothing loudly from now on, and ends the executor if it is this one's own. */
    public void stop() {
        stopped = true;
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }
}
