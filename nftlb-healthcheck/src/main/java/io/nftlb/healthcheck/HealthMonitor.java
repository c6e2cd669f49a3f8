package io.nftlb.healthcheck;

import io.nftlb.core.runtime.TaskScheduler;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.internal.BackendKey;
import io.nftlb.healthcheck.internal.EstimatorLoop;
import io.nftlb.healthcheck.internal.MonitorTasks;
import io.nftlb.healthcheck.internal.ProbeListeners;
import io.nftlb.healthcheck.internal.ProbeStateMachine;
import io.nftlb.healthcheck.internal.SinkDelivery;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the backends of farms on a schedule, turns probe results into UP/DOWN with rise/fall
 * hysteresis, asks weight estimators for dynamic weights, and reports both to a
 * {@link BackendStateSink}.
 *
 * <pre>{@code
 * try (HealthMonitor m = HealthMonitor.builder(sink)
 *         .watch(farm, CheckPolicy.of(HealthCheck.tcp()).interval(Duration.ofSeconds(1)).fall(3))
 *         .estimate(farm.name(), WeightEstimator.leastResponseTime())
 *         .build()) {
 *     m.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Every probe runs on its own virtual thread (by default), guarded: a probe that throws,
 * returns null or outlives its timeout counts as a failure whose reason names the check.
 * Backends start UP (as the farm says they serve). A state change is logged once, told to the
 * {@link HealthListener}s at once, and reported to the sink coalesced: the sink sees the
 * latest state of each backend, only when it differs from what it saw last, at most once per
 * coalescing window. A sink that throws is logged once and retried: states ten coalescing windows
 * later, weights at the next estimate.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    // Three parts, each guarding its own state with one lock: the probes and their hysteresis, the
    // estimators' schedule, and what the sink has been told. This class only wires them and
    // orders start, update and close (under its own monitor).
    private final MonitorTasks tasks;
    private final ProbeNetwork network;
    private final List<HealthListener> listeners;
    private final SinkDelivery delivery;
    private final ProbeStateMachine probes;
    private final EstimatorLoop estimators;
    private boolean running;
    private boolean closed;

    private HealthMonitor(Builder b) {
        this.tasks = new MonitorTasks(b.scheduler, b.executor);
        this.network = b.network;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        this.delivery = new SinkDelivery(b.sink, tasks, b.coalesce);
        Map<Farm, CheckPolicy> watches = new LinkedHashMap<>();
        b.watches.forEach(w -> watches.put(w.farm, w.policy));
        this.probes = new ProbeStateMachine(watches, b.clock, tasks, b.random, b.network, b.spread, this::changed,
                probe -> ProbeListeners.tell(listeners, probe));
        this.estimators = new EstimatorLoop(b.estimates, probes::observations, delivery, tasks);
    }

    /** A monitor that reports to {@code sink}. */
    public static Builder builder(BackendStateSink sink) {
        return new Builder(sink);
    }

    /** Starts probing (the first probes spread over one interval). Calling it again does nothing. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("monitor is closed");
        }
        if (running) {
            return;
        }
        running = true;
        probes.start();
        estimators.start();
        log.info("health monitor started: {} backends, {} estimators, probes from {}", probes.backends(),
                estimators.farms(), network);
    }

    /**
     * Follows a change of a watched farm (same name): new backends are probed from now on
     * (starting UP), removed ones are no longer probed or reported, and backends whose name,
     * address, port and weight are unchanged keep their state, streaks and smoothed latency.
     *
     * @throws IllegalArgumentException if the farm is not watched, or a backend has no port to probe
     */
    public synchronized void update(Farm farm) {
        Objects.requireNonNull(farm, "farm == null");
        delivery.forget(probes.update(farm));
    }

    /** The health of a backend as the monitor sees it now. */
    public BackendState state(String farm, String backend) {
        return probes.state(farm, backend);
    }

    /** The last probe result of a backend, if it was probed. */
    public Optional<HealthResult> lastResult(String farm, String backend) {
        return probes.lastResult(farm, backend);
    }

    /** The weights last reported for a farm (empty before the first estimate). */
    public Map<String, Integer> weights(String farm) {
        return delivery.reportedWeights(farm);
    }

    /** Adds a listener for state changes. */
    public void addListener(HealthListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener == null"));
    }

    /** Stops probing; probes in flight finish and are ignored. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        probes.stop();
        estimators.stop();
        delivery.close();
        tasks.stop();
    }

    /** A backend changed state: listeners hear it now, the sink at the end of the coalescing window. */
    private void changed(StateChange change) {
        for (HealthListener l : listeners) {
            try {
                l.stateChanged(change);
            } catch (RuntimeException e) {
                log.warn("health listener {} threw on {}/{}; ignored", l, change.farm(), change.backend(), e);
            }
        }
        delivery.stateChanged(new BackendKey(change.farm(), change.backend()), change.to());
    }

    // --- builder -------------------------------------------------------------------------

    /** Configures a {@link HealthMonitor}. Mutable, not thread-safe, used once. */
    public static final class Builder {
        private record Watch(Farm farm, CheckPolicy policy) { }

                private final BackendStateSink sink;
        private final List<Watch> watches = new ArrayList<>();
        private final Map<String, EstimatorLoop.Estimate> estimates = new LinkedHashMap<>();
        private final List<HealthListener> listeners = new ArrayList<>();
        private InstantSource clock = InstantSource.system();
        private TaskScheduler scheduler = TaskScheduler.system();
        private Executor executor;
        private RandomGenerator random = RandomGenerator.getDefault();
        private ProbeNetwork network = ProbeNetwork.current();
        private Duration coalesce = Duration.ofMillis(50);
        private boolean spread = true;

        private Builder(BackendStateSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink == null");
        }

        /** Probes every backend of {@code farm} with {@code policy}. */
        public Builder watch(Farm farm, CheckPolicy policy) {
            Objects.requireNonNull(farm, "farm == null");
            Objects.requireNonNull(policy, "policy == null");
            if (watches.stream().anyMatch(w -> w.farm.name().equals(farm.name()))) {
                throw new IllegalStateException("farm \"" + farm.name() + "\" is already watched");
            }
            watches.add(new Watch(farm, policy));
            return this;
        }

        /** Dynamic weights for a watched farm, estimated once per the farm's check interval. */
        public Builder estimate(String farm, WeightEstimator estimator) {
            Duration every = watches.stream().filter(w -> w.farm.name().equals(farm)).findFirst()
                    .map(w -> w.policy.interval())
                    .orElseThrow(() -> new IllegalStateException("watch farm \"" + farm + "\" before estimating"));
            return estimate(farm, estimator, every);
        }

        /** Dynamic weights for a watched farm, estimated every {@code every} (also its timeout). */
        public Builder estimate(String farm, WeightEstimator estimator, Duration every) {
            Objects.requireNonNull(farm, "farm == null");
            Objects.requireNonNull(estimator, "estimator == null");
            if (watches.stream().noneMatch(w -> w.farm.name().equals(farm))) {
                throw new IllegalStateException("watch farm \"" + farm + "\" before estimating");
            }
            if (every.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("estimate interval must be at least 10 ms: " + every);
            }
            if (estimates.putIfAbsent(farm, new EstimatorLoop.Estimate(estimator, every)) != null) {
                throw new IllegalStateException("farm \"" + farm + "\" already has an estimator");
            }
            return this;
        }

        /** Adds a listener for every state change. */
        public Builder listener(HealthListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener == null"));
            return this;
        }

        /** Where probes open sockets; default {@link ProbeNetwork#current()}. */
        public Builder network(ProbeNetwork value) {
            this.network = Objects.requireNonNull(value, "network == null");
            return this;
        }

        /** The clock for latencies and timestamps; default the system clock. */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock == null");
            return this;
        }

        /** The timer; default {@link TaskScheduler#system()}. */
        public Builder scheduler(TaskScheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler == null");
            return this;
        }

        /**
         * Where probes, estimates and sink calls run; default a virtual thread each. Tests pass
         * {@code Runnable::run} with a fake scheduler to run everything in the test's thread.
         */
        public Builder executor(Executor value) {
            this.executor = Objects.requireNonNull(value, "executor == null");
            return this;
        }

        /** Random numbers for jitter and spreading; default {@link RandomGenerator#getDefault()}. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random == null");
            return this;
        }

        /** The coalescing window of sink calls; default 50 ms. */
        public Builder coalesce(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("coalesce cannot be negative: " + value);
            }
            this.coalesce = value;
            return this;
        }

        /** Whether the first probes spread randomly over one interval (default) or all start at once. */
        public Builder spreadFirstProbes(boolean value) {
            this.spread = value;
            return this;
        }

        /** The monitor, not started yet. */
        public HealthMonitor build() {
            if (watches.isEmpty()) {
                throw new IllegalStateException("nothing to watch");
            }
            return new HealthMonitor(this);
        }
    }
}
