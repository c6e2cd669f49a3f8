package io.nftlb.healthcheck.internal;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.PortRange;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Observation;
import io.nftlb.healthcheck.Probe;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.StateChange;
import io.nftlb.core.runtime.TaskScheduler;
import io.nftlb.healthcheck.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every watched backend on its schedule and turns the results into UP/DOWN with
 * rise/fall hysteresis, keeping a smoothed latency and load for the estimators. A state change
 * is logged and handed to {@code onChange}, then every probe's outcome to {@code onProbe}
 * (outside the lock, so that a slow listener delays only its own probe thread).
 *
 * <p>All of it, the backends of each farm and every backend's state, is guarded by
 * {@link #lock}; probes run outside it.
 */
public final class ProbeStateMachine {

    private static final Logger log = LoggerFactory.getLogger(ProbeStateMachine.class);
    /** Weight of the newest sample in the smoothed latency and load: about the last three probes count. */
    private static final double EWMA_ALPHA = 0.3;

    private final InstantSource clock;
    private final MonitorTasks tasks;
    private final RandomGenerator random;
    private final ProbeNetwork network;
    private final boolean spread;
    private final Consumer<StateChange> onChange;
    private final Consumer<Probe> onProbe;
    private final Map<String, CheckPolicy> policies;
    private final Object lock = new Object();
    /** Backends by farm, in the farm's order. */
    private final Map<String, List<Tracker>> byFarm = new LinkedHashMap<>();
    private boolean running;

    /**
     * Watches each farm's backends with its policy (in the map's order).
     *
     * @throws IllegalArgumentException if a backend has no port to probe
     */
    public ProbeStateMachine(Map<Farm, CheckPolicy> watches, InstantSource clock, MonitorTasks tasks,
                             RandomGenerator random, ProbeNetwork network, boolean spread,
                             Consumer<StateChange> onChange, Consumer<Probe> onProbe) {
        this.clock = clock;
        this.tasks = tasks;
        this.random = random;
        this.network = network;
        this.spread = spread;
        this.onChange = onChange;
        this.onProbe = onProbe;
        Map<String, CheckPolicy> p = new LinkedHashMap<>();
        watches.forEach((farm, policy) -> {
            p.put(farm.name(), policy);
            byFarm.put(farm.name(), farm.backends().stream().map(b -> new Tracker(farm, b, policy)).toList());
        });
        this.policies = Map.copyOf(p);
    }

    /** Starts probing, the first probes spread over one interval unless told otherwise. */
    public void start() {
        synchronized (lock) {
            running = true;
            byFarm.values().forEach(ts -> ts.forEach(Tracker::scheduleFirst));
        }
    }

    /** Stops probing; probes in flight finish and are ignored. */
    public void stop() {
        synchronized (lock) {
            running = false;
            byFarm.values().forEach(ts -> ts.forEach(Tracker::cancel));
        }
    }

    /** How many backends are watched. */
    public int backends() {
        synchronized (lock) {
            return byFarm.values().stream().mapToInt(List::size).sum();
        }
    }

    /**
     * Follows a change of a watched farm; backends whose name, address, port and weight are
     * unchanged keep their state, streaks and smoothed values, others start afresh (UP).
     *
     * @return the backends no longer watched
     * @throws IllegalArgumentException if the farm is not watched, or a backend has no port to probe
     */
    public Set<BackendKey> update(Farm farm) {
        CheckPolicy policy = policies.get(farm.name());
        if (policy == null) {
            throw new IllegalArgumentException("farm \"" + farm.name() + "\" is not watched");
        }
        List<Tracker> fresh = farm.backends().stream().map(b -> new Tracker(farm, b, policy)).toList();
        synchronized (lock) {
            Map<String, Tracker> old = new LinkedHashMap<>();
            byFarm.get(farm.name()).forEach(t -> old.put(t.key.backend(), t));
            List<Tracker> next = new ArrayList<>();
            List<Tracker> added = new ArrayList<>();
            for (Tracker f : fresh) {
                Tracker kept = old.get(f.key.backend());
                if (kept != null && kept.target.address().equals(f.target.address())
                        && kept.configuredWeight == f.configuredWeight) {
                    next.add(kept);
                    old.remove(f.key.backend());
                } else {
                    next.add(f);
                    added.add(f);
                }
            }
            old.values().forEach(Tracker::cancel);
            byFarm.put(farm.name(), List.copyOf(next));
            if (running) {
                added.forEach(Tracker::scheduleFirst);
            }
            log.info("farm {}: now watching {} backends ({} new, {} removed)", farm.name(), next.size(),
                    added.size(), old.size());
            Set<BackendKey> removed = new HashSet<>();
            old.values().forEach(t -> removed.add(t.key));
            return removed;
        }
    }

    /** A backend's health now. */
    public BackendState state(String farm, String backend) {
        synchronized (lock) {
            return tracker(farm, backend).hysteresis.state();
        }
    }

    /** A backend's last probe result, if it was probed. */
    public Optional<HealthResult> lastResult(String farm, String backend) {
        synchronized (lock) {
            return Optional.ofNullable(tracker(farm, backend).last);
        }
    }

    /** What the estimators see of a farm's backends, in the farm's order. */
    public List<Observation> observations(String farm) {
        synchronized (lock) {
            return byFarm.get(farm).stream().map(Tracker::observe).toList();
        }
    }

    private Tracker tracker(String farm, String backend) {
        for (Tracker t : byFarm.getOrDefault(farm, List.of())) {
            if (t.key.backend().equals(backend)) {
                return t;
            }
        }
        throw new IllegalArgumentException("farm \"" + farm + "\" has no watched backend \"" + backend + "\"");
    }

    private void report(Tracker t, StateChange change, int streak) {
        HealthResult cause = change.cause();
        if (change.to() == BackendState.DOWN) {
            log.warn("{} is DOWN after {} failed {} probes: {}", t.key, streak, t.policy.check(), cause.reason());
        } else {
            log.info("{} is UP after {} good {} probes ({} ms)", t.key, streak, t.policy.check(),
                    cause.latency().toMillis());
        }
        onChange.accept(change);
    }

    /** One backend: its schedule, its hysteresis and its smoothed values, all guarded by the machine's lock. */
    private final class Tracker {
        final BackendKey key;
        final int configuredWeight;
        final CheckPolicy policy;
        final Target target;
        final Hysteresis hysteresis;
        HealthResult last;
        double latencyNanos = Double.NaN;
        double load = Double.NaN;
        TaskScheduler.Cancellable next;
        Instant due;
        boolean retired;

        Tracker(Farm farm, Backend b, CheckPolicy policy) {
            this.key = new BackendKey(farm.name(), b.name());
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

        /** Under the lock. */
        void scheduleFirst() {
            scheduleIn(Duration.ofNanos(spread ? random.nextLong(Math.max(1, policy.interval().toNanos())) : 0));
        }

        /** Under the lock. */
        void scheduleIn(Duration delay) {
            due = clock.instant().plus(delay);
            if (running && !retired) {
                next = tasks.later(delay, this::probe);
            }
        }

        /** Under the lock. */
        void cancel() {
            retired = true;
            if (next != null) {
                next.cancel();
            }
        }

        void probe() {
            synchronized (lock) {
                if (!running || retired) {
                    return;
                }
            }
            HealthResult r = Guard.probe(policy.check(), target, tasks.executor(), clock);
            StateChange change = null;
            int streak = 0;
            BackendState after;
            synchronized (lock) {
                if (!running || retired) {
                    return;
                }
                last = r;
                if (r.isUp()) {
                    latencyNanos = smooth(latencyNanos, r.latency().toNanos());
                    if (r.load().isPresent()) {
                        load = smooth(load, r.load().getAsDouble());
                    }
                }
                BackendState from = hysteresis.state();
                if (r.status() != HealthResult.Status.UNKNOWN) { // unknown counts neither way
                    streak = hysteresis.streak() + 1;
                    if (hysteresis.record(r.isUp())) {
                        change = new StateChange(key.farm(), key.backend(), from, hysteresis.state(), r,
                                policy.check().toString(), clock.instant());
                    }
                }
                after = hysteresis.state();
            }
            if (change != null) {
                report(this, change, streak);
            }
            onProbe.accept(new Probe(key.farm(), key.backend(), policy.check().toString(), r, after));
            synchronized (lock) {
                // The next probe is due one interval (plus jitter) after this one was due, not after
                // it ran: waiting for a thread or for the probe itself does not slow the rate down. A
                // probe that overran its slot is followed at once, never by a burst of catch-ups.
                long jitter = policy.jitter().isZero() ? 0 : random.nextLong(policy.jitter().toNanos() + 1);
                Duration delay = Duration.between(clock.instant(), due.plus(policy.interval()).plusNanos(jitter));
                scheduleIn(delay.isNegative() ? Duration.ZERO : delay);
            }
        }

        private static double smooth(double average, double sample) {
            return Double.isNaN(average) ? sample : EWMA_ALPHA * sample + (1 - EWMA_ALPHA) * average;
        }

        /** Under the lock. */
        Observation observe() {
            return new Observation(key.backend(), hysteresis.state() == BackendState.UP, configuredWeight,
                    Double.isNaN(latencyNanos) ? Optional.empty() : Optional.of(Duration.ofNanos((long) latencyNanos)),
                    Double.isNaN(load) ? OptionalDouble.empty() : OptionalDouble.of(load));
        }
    }
}
