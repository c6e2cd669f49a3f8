package io.nftlb.core.testing;

import io.nftlb.core.runtime.TaskScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A scheduler driven by a {@link FakeClock}: tasks run in the thread that calls
 * {@link #advance(Duration)}, in order of due time (then of scheduling), with the clock set
 * to each task's due time while it runs. With {@code HealthMonitor.Builder.executor(Runnable::run)}
 * a whole health monitor runs deterministically in the test's thread; a load balancer given it
 * ({@code LoadBalancer.Builder.scheduler}) checks drift and ends coalescing windows only when
 * the test advances the clock.
 */
public final class FakeScheduler implements TaskScheduler {

    private record Task(Instant due, long seq, Runnable run, boolean[] cancelled) { }

    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> {
        int c = a.due.compareTo(b.due);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private long seq;

    /** A scheduler whose time is {@code clock}. */
    public FakeScheduler(FakeClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task, cancelled));
        return () -> {
            synchronized (FakeScheduler.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Runs every task due within {@code d}, then leaves the clock {@code d} later. */
    public void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due.isAfter(end)) {
                    break;
                }
                queue.poll();
                if (t.cancelled[0]) {
                    continue;
                }
            }
            clock.set(t.due);
            t.run.run();
        }
        clock.set(end);
    }

    /** Tasks waiting (cancelled ones included until their time comes). */
    public synchronized int pending() {
        return queue.size();
    }
}
