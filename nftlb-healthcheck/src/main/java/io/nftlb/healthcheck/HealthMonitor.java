package io.nftlb.healthcheck;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.PortRange;
import io.nftlb.healthcheck.internal.Guard;
import io.nftlb.healthcheck.internal.Hysteresis;
import io.nftlb.healthcheck.internal.ProbeListeners;
import io.nftlb.healthcheck.internal.WeightGuard;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
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
 * coalescing window. A sink that throws is logged once and retried at the next window.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    private static final double EWMA_ALPHA = 0.3;

    private final BackendStateSink sink;
    private final InstantSource clock;
    private final TaskScheduler scheduler;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final RandomGenerator random;
    private final ProbeNetwork network;
    private final Duration coalesce;
    private final boolean spread;
    private final List<HealthListener> listeners;
    /** Trackers by farm, in backend order; replaced whole (copy on write) under this monitor's lock. */
    private volatile Map<String, List<Tracker>> trackers = Map.of();
    private final Map<String, CheckPolicy> policies = new LinkedHashMap<>();
    private final Map<String, FarmWeights> estimators = new LinkedHashMap<>();

    private final Object pendingLock = new Object();
    private final Map<List<String>, BackendState> pending = new LinkedHashMap<>();
    private final Map<List<String>, BackendState> delivered = new LinkedHashMap<>();
    private boolean flushScheduled;
    private final ReentrantLock sinkLock = new ReentrantLock();
    private boolean sinkFailing;

    private volatile boolean running;
    private volatile boolean closed;

    private HealthMonitor(Builder b) {
        this.sink = b.sink;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        if (b.executor == null) {
            this.ownedExecutor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("nftlb-probe-", 0).factory());
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = b.executor;
        }
        this.random = b.random;
        this.network = b.network;
        this.coalesce = b.coalesce;
        this.spread = b.spread;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        Map<String, List<Tracker>> all = new LinkedHashMap<>();
        for (var w : b.watches) {
            policies.put(w.farm.name(), w.policy);
            all.put(w.farm.name(), w.farm.backends().stream().map(backend -> new Tracker(w.farm, backend, w.policy))
                    .toList());
        }
        this.trackers = Map.copyOf(all);
        b.estimates.forEach((farm, e) -> estimators.put(farm, new FarmWeights(farm, e.estimator, e.every)));
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
        trackers.values().forEach(ts -> ts.forEach(this::scheduleFirst));
        estimators.values().forEach(f -> f.scheduleIn(f.every));
        log.info("health monitor started: {} backends, {} estimators, probes from {}",
                trackers.values().stream().mapToInt(List::size).sum(),
                estimators.size(), network);
    }

    private void scheduleFirst(Tracker t) {
        long first = spread ? random.nextLong(Math.max(1, t.policy.interval().toNanos())) : 0;
        t.scheduleIn(Duration.ofNanos(first));
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
        CheckPolicy policy = policies.get(farm.name());
        if (policy == null) {
            throw new IllegalArgumentException("farm \"" + farm.name() + "\" is not watched");
        }
        Map<String, Tracker> old = new LinkedHashMap<>();
        trackers.get(farm.name()).forEach(t -> old.put(t.backend, t));
        List<Tracker> next = new ArrayList<>();
        List<Tracker> added = new ArrayList<>();
        for (Backend b : farm.backends()) {
            Tracker fresh = new Tracker(farm, b, policy);
            Tracker kept = old.get(b.name());
            if (kept != null && kept.target.address().equals(fresh.target.address())
                    && kept.configuredWeight == fresh.configuredWeight) {
                next.add(kept);
                old.remove(b.name());
            } else {
                next.add(fresh);
                added.add(fresh);
            }
        }
        old.values().forEach(Tracker::cancel);
        Map<String, List<Tracker>> all = new LinkedHashMap<>(trackers);
        all.put(farm.name(), List.copyOf(next));
        trackers = Map.copyOf(all);
        synchronized (pendingLock) {
            for (String gone : old.keySet()) {
                pending.remove(List.of(farm.name(), gone));
                delivered.remove(List.of(farm.name(), gone));
            }
        }
        if (running) {
            added.forEach(this::scheduleFirst);
        }
        log.info("farm {}: now watching {} backends ({} new, {} removed)", farm.name(), next.size(), added.size(),
                old.size());
    }

    /** The health of a backend as the monitor sees it now. */
    public BackendState state(String farm, String backend) {
        return tracker(farm, backend).state();
    }

    /** The last probe result of a backend, if it was probed. */
    public Optional<HealthResult> lastResult(String farm, String backend) {
        return Optional.ofNullable(tracker(farm, backend).last());
    }

    /** The weights last reported for a farm (empty before the first estimate). */
    public Map<String, Integer> weights(String farm) {
        FarmWeights f = estimators.get(farm);
        return f == null ? Map.of() : f.reported();
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
        trackers.values().forEach(ts -> ts.forEach(Tracker::cancel));
        estimators.values().forEach(FarmWeights::cancel);
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    private Tracker tracker(String farm, String backend) {
        for (Tracker t : trackers.getOrDefault(farm, List.of())) {
            if (t.backend.equals(backend)) {
                return t;
            }
        }
        throw new IllegalArgumentException("farm \"" + farm + "\" has no watched backend \"" + backend + "\"");
    }

    private void execute(Runnable r) {
        try {
            executor.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (running) {
                throw e;
            }
        }
    }

    // --- state changes -------------------------------------------------------------------

    private void changed(Tracker t, BackendState from, BackendState to, HealthResult cause, int streak) {
        var change = new StateChange(t.farm, t.backend, from, to, cause, t.policy.check().toString(), clock.instant());
        if (to == BackendState.DOWN) {
            log.warn("{}/{} is DOWN after {} failed {} probes: {}", t.farm, t.backend, streak,
                    t.policy.check(), cause.reason());
        } else {
            log.info("{}/{} is UP after {} good {} probes ({} ms)", t.farm, t.backend, streak,
                    t.policy.check(), cause.latency().toMillis());
        }
        for (HealthListener l : listeners) {
            try {
                l.stateChanged(change);
            } catch (RuntimeException e) {
                log.warn("health listener {} threw on {}/{}; ignored", l, t.farm, t.backend, e);
            }
        }
        synchronized (pendingLock) {
            pending.put(List.of(t.farm, t.backend), to);
            if (!flushScheduled) {
                flushScheduled = true;
                scheduler.schedule(coalesce, () -> execute(this::flush));
            }
        }
    }

    private void flush() {
        Map<List<String>, BackendState> batch;
        synchronized (pendingLock) {
            flushScheduled = false;
            batch = new LinkedHashMap<>(pending);
            pending.clear();
        }
        sinkLock.lock();
        try {
            for (var e : batch.entrySet()) {
                if (e.getValue() == delivered.get(e.getKey())
                        || (!delivered.containsKey(e.getKey()) && e.getValue() == BackendState.UP)) {
                    continue;
                }
                try {
                    sink.stateChanged(e.getKey().get(0), e.getKey().get(1), e.getValue());
                    delivered.put(e.getKey(), e.getValue());
                    sinkFailing = false;
                } catch (RuntimeException x) {
                    if (!sinkFailing) {
                        log.warn("sink {} failed on {} {}; will retry", sink, e.getKey(), e.getValue(), x);
                    }
                    sinkFailing = true;
                    synchronized (pendingLock) {
                        pending.putIfAbsent(e.getKey(), e.getValue());
                        if (!flushScheduled && running) {
                            flushScheduled = true;
                            scheduler.schedule(coalesce.multipliedBy(10), () -> execute(this::flush));
                        }
                    }
                }
            }
        } finally {
            sinkLock.unlock();
        }
    }

    // --- one backend ---------------------------------------------------------------------

    private final class Tracker {
        final String farm;
        final String backend;
        final int configuredWeight;
        final CheckPolicy policy;
        final Target target;
        private final Hysteresis hysteresis;
        private HealthResult last;
        private double latencyNanos = Double.NaN;
        private double load = Double.NaN;
        private TaskScheduler.Cancellable next;
        private java.time.Instant due;
        private boolean retired;

        Tracker(Farm farm, Backend b, CheckPolicy policy) {
            this.farm = farm.name();
            this.backend = b.name();
            this.configuredWeight = b.weight();
            this.policy = policy;
            InetAddress address = policy.address().orElse(b.address());
            int port = policy.port().isPresent() ? policy.port().getAsInt()
                    : b.port().isPresent() ? b.port().getAsInt() : farmPort(farm, b);
            this.target = new Target(farm.name(), b.name(), new InetSocketAddress(address, port), policy.timeout(),
                    network);
            this.hysteresis = new Hysteresis(policy.rise(), policy.fall(), BackendState.UP);
        }

        private static int farmPort(Farm farm, Backend b) {
            List<PortRange> ports = farm.ports();
            if (ports.size() == 1 && ports.getFirst().single()) {
                return ports.getFirst().from();
            }
            throw new IllegalArgumentException("farm \"" + farm.name() + "\": backend \"" + b.name()
                    + "\" has no port to probe: give the backend or the check policy one");
        }

        synchronized void scheduleIn(Duration delay) {
            due = clock.instant().plus(delay);
            if (running && !retired) {
                next = scheduler.schedule(delay, () -> execute(this::probe));
            }
        }

        synchronized void cancel() {
            retired = true;
            if (next != null) {
                next.cancel();
            }
        }

        void probe() {
            synchronized (this) {
                if (!running || retired) {
                    return;
                }
            }
            HealthResult r = Guard.probe(policy.check(), target, executor, clock);
            synchronized (this) {
                if (!running || retired) {
                    return;
                }
            }
            BackendState from;
            BackendState to;
            boolean flipped = false;
            int streak = 0;
            synchronized (this) {
                last = r;
                if (r.isUp()) {
                    double l = r.latency().toNanos();
                    latencyNanos = Double.isNaN(latencyNanos) ? l : EWMA_ALPHA * l + (1 - EWMA_ALPHA) * latencyNanos;
                    if (r.load().isPresent()) {
                        double v = r.load().getAsDouble();
                        load = Double.isNaN(load) ? v : EWMA_ALPHA * v + (1 - EWMA_ALPHA) * load;
                    }
                }
                from = hysteresis.state();
                if (r.status() != HealthResult.Status.UNKNOWN) { // unknown counts neither way
                    streak = hysteresis.streak() + 1;
                    flipped = hysteresis.record(r.isUp());
                }
                to = hysteresis.state();
            }
            if (flipped) {
                changed(this, from, to, r, streak);
            }
            ProbeListeners.tell(listeners, new Probe(farm, backend, policy.check().toString(), r, to));
            // The next probe is due one interval (plus jitter) after this one was due, not after it
            // ran: waiting for a thread or for the probe itself does not slow the rate down. A
            // probe that overran its slot is followed at once, never by a burst of catch-ups.
            long jitter = policy.jitter().isZero() ? 0 : random.nextLong(policy.jitter().toNanos() + 1);
            Duration delay;
            synchronized (this) {
                delay = Duration.between(clock.instant(), due.plus(policy.interval()).plusNanos(jitter));
            }
            scheduleIn(delay.isNegative() ? Duration.ZERO : delay);
        }

        synchronized BackendState state() {
            return hysteresis.state();
        }

        synchronized HealthResult last() {
            return last;
        }

        synchronized Observation observe() {
            return new Observation(backend, hysteresis.state() == BackendState.UP, configuredWeight,
                    Double.isNaN(latencyNanos) ? Optional.empty() : Optional.of(Duration.ofNanos((long) latencyNanos)),
                    Double.isNaN(load) ? OptionalDouble.empty() : OptionalDouble.of(load));
        }
    }

    // --- one farm's weights --------------------------------------------------------------

    private final class FarmWeights {
        final String farm;
        final WeightEstimator estimator;
        final Duration every;
        private Map<String, Integer> reported = Map.of();
        private boolean failing;
        private boolean sinkFailingWeights;
        private TaskScheduler.Cancellable next;

        FarmWeights(String farm, WeightEstimator estimator, Duration every) {
            this.farm = farm;
            this.estimator = estimator;
            this.every = every;
        }

        synchronized void scheduleIn(Duration delay) {
            if (running) {
                next = scheduler.schedule(delay, () -> execute(this::estimate));
            }
        }

        synchronized void cancel() {
            if (next != null) {
                next.cancel();
            }
        }

        synchronized Map<String, Integer> reported() {
            return reported;
        }

        void estimate() {
            if (!running) {
                return;
            }
            List<Observation> obs = trackers.get(farm).stream().map(Tracker::observe).toList();
            Map<String, Integer> estimated = null;
            try {
                estimated = Guard.call(() -> estimator.estimate(farm, obs), every, executor);
                if (failing) {
                    log.info("estimator {} for farm {} works again", estimator, farm);
                }
                failing = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (TimeoutException | java.util.concurrent.ExecutionException | RuntimeException e) {
                if (!failing) {
                    Throwable c = e.getCause() != null && !(e instanceof RuntimeException) ? e.getCause() : e;
                    log.warn("estimator {} for farm {} failed ({}); keeping the previous weights", estimator, farm,
                            e instanceof TimeoutException ? "timed out after " + every.toMillis() + " ms" : c.toString());
                }
                failing = true;
            }
            Map<String, Integer> weights;
            synchronized (this) {
                weights = WeightGuard.apply(obs, estimated, reported);
            }
            deliver(weights);
            scheduleIn(every);
        }

        private void deliver(Map<String, Integer> weights) {
            sinkLock.lock();
            try {
                synchronized (this) {
                    if (weights.equals(reported)) {
                        return;
                    }
                }
                sink.weightsChanged(farm, Map.copyOf(weights));
                synchronized (this) {
                    reported = Map.copyOf(weights);
                    sinkFailingWeights = false;
                }
            } catch (RuntimeException e) {
                // Not reported, so the next estimate tries again; logged once per failing streak.
                boolean first;
                synchronized (this) {
                    first = !sinkFailingWeights;
                    sinkFailingWeights = true;
                }
                if (first) {
                    log.warn("sink {} failed on weights of farm {}; will retry", sink, farm, e);
                }
            } finally {
                sinkLock.unlock();
            }
        }
    }

    // --- builder -------------------------------------------------------------------------

    /** Configures a {@link HealthMonitor}. Mutable, not thread-safe, used once. */
    public static final class Builder {
        private record Watch(Farm farm, CheckPolicy policy) { }

        private record Estimate(WeightEstimator estimator, Duration every) { }

        private final BackendStateSink sink;
        private final List<Watch> watches = new ArrayList<>();
        private final Map<String, Estimate> estimates = new LinkedHashMap<>();
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
            if (estimates.putIfAbsent(farm, new Estimate(estimator, every)) != null) {
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
