package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs plugin code with a timeout, and turns every way it can fail into a value. */
public final class Guard {

    private Guard() {
    }

    /**
     * Probes with {@code check}: a result within the target's timeout, or DOWN naming the check
     * when it threw, returned null or took too long (it is then interrupted); UNKNOWN when it
     * timed out having started more than half the timeout late (the monitor was starved). The latency is
     * measured with {@code clock} unless the check set one.
     */
    public static HealthResult probe(HealthCheck check, Target target, Executor executor, InstantSource clock) {
        var start = clock.instant();
        var started = new java.util.concurrent.atomic.AtomicReference<java.time.Instant>();
        HealthResult r;
        try {
            r = call(() -> {
                started.set(clock.instant());
                return check.probe(target);
            }, target.timeout(), executor);
            if (r == null) {
                r = HealthResult.down("check " + check + " returned null");
            }
        } catch (TimeoutException e) {
            // A probe that got less than half its time because it started late says nothing about
            // the backend: the monitor was starved (CPU, threads). Count it neither way.
            var began = started.get();
            Duration late = began == null ? target.timeout() : Duration.between(start, began);
            r = late.compareTo(target.timeout().dividedBy(2)) > 0
                    ? HealthResult.unknown("monitor overloaded: probe started " + late.toMillis() + " ms late")
                    : HealthResult.down("timed out after " + target.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = HealthResult.down("interrupted");
        } catch (Throwable e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            r = HealthResult.down("check " + check + " threw " + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
        if (r.latency().isZero()) {
            Duration d = Duration.between(start, clock.instant());
            r = r.withLatency(d.isNegative() ? Duration.ZERO : d);
        }
        return r;
    }

    /** Calls {@code task} on {@code executor} and waits at most {@code timeout} for it. */
    public static <T> T call(Callable<T> task, Duration timeout, Executor executor)
            throws InterruptedException, ExecutionException, TimeoutException {
        FutureTask<T> f = new FutureTask<>(task);
        executor.execute(f);
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }
}
