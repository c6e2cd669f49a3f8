package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.Observation;
import io.nftlb.core.runtime.TaskScheduler;
import io.nftlb.healthcheck.WeightEstimator;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each farm's {@link WeightEstimator} for weights on the farm's schedule, from what the
 * probes observed, guards the answer ({@link WeightGuard}) and hands it to the sink delivery.
 * An estimator that throws or overruns its interval keeps the previous weights and is logged
 * once per failing streak.
 *
 * <p>The schedule and the failing streaks are guarded by {@link #lock}; estimators run outside it.
 */
public final class EstimatorLoop {

    private static final Logger log = LoggerFactory.getLogger(EstimatorLoop.class);

    /** One farm's estimator and how often it runs (also its timeout). */
    public record Estimate(WeightEstimator estimator, Duration every) { }

    private final Map<String, Estimate> estimates;
    private final Function<String, List<Observation>> observations;
    private final SinkDelivery delivery;
    private final MonitorTasks tasks;
    private final Object lock = new Object();
    private final Map<String, TaskScheduler.Cancellable> next = new LinkedHashMap<>();
    private final Set<String> failing = new HashSet<>();
    private boolean running;

    /** Estimates for each farm of {@code estimates} from {@code observations} of its backends. */
    public EstimatorLoop(Map<String, Estimate> estimates, Function<String, List<Observation>> observations,
                         SinkDelivery delivery, MonitorTasks tasks) {
        this.estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
        this.observations = observations;
        this.delivery = delivery;
        this.tasks = tasks;
    }

    /** How many farms have an estimator. */
    public int farms() {
        return estimates.size();
    }

    /** Starts estimating: each farm's first estimate one interval from now. */
    public void start() {
        synchronized (lock) {
            running = true;
            estimates.forEach((farm, e) -> scheduleIn(farm, e.every()));
        }
    }

    /** Stops estimating; an estimate in flight finishes and is not scheduled again. */
    public void stop() {
        synchronized (lock) {
            running = false;
            next.values().forEach(TaskScheduler.Cancellable::cancel);
            next.clear();
        }
    }

    /** Under the lock. */
    private void scheduleIn(String farm, Duration delay) {
        if (running) {
            next.put(farm, tasks.later(delay, () -> estimate(farm)));
        }
    }

    private void estimate(String farm) {
        synchronized (lock) {
            if (!running) {
                return;
            }
        }
        Estimate e = estimates.get(farm);
        List<Observation> obs = observations.apply(farm);
        Map<String, Integer> estimated = null;
        Exception failure = null;
        try {
            estimated = Guard.call(() -> e.estimator().estimate(farm, obs), e.every(), tasks.executor());
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            return;
        } catch (TimeoutException | ExecutionException | RuntimeException x) {
            failure = x;
        }
        noteOutcome(farm, e, failure);
        delivery.weightsEstimated(farm, WeightGuard.apply(obs, estimated, delivery.reportedWeights(farm)));
        synchronized (lock) {
            scheduleIn(farm, e.every());
        }
    }

    private void noteOutcome(String farm, Estimate e, Exception failure) {
        boolean changed;
        synchronized (lock) {
            changed = failure == null ? failing.remove(farm) : failing.add(farm);
        }
        if (!changed) {
            return;
        }
        if (failure == null) {
            log.info("estimator {} for farm {} works again", e.estimator(), farm);
        } else {
            Throwable c = failure.getCause() != null && !(failure instanceof RuntimeException) ? failure.getCause()
                    : failure;
            log.warn("estimator {} for farm {} failed ({}); keeping the previous weights", e.estimator(), farm,
                    failure instanceof TimeoutException ? "timed out after " + e.every().toMillis() + " ms"
                            : c.toString());
        }
    }
}
