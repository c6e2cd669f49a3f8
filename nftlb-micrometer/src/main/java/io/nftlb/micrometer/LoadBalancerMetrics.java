package io.nftlb.micrometer;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nftlb.core.ast.Op;
import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.CommitReport;
import io.nftlb.core.runtime.DriftReport;
import io.nftlb.core.runtime.LoadBalancer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of a {@link LoadBalancer}: what its commits cost and carried, its drift checks, and
 * per farm and backend (tags {@code farm}, {@code backend}) the state, the weight and what the
 * backend's live connections carry (see {@link MeterNames}). It is a {@link CommitListener}:
 * give it to the builder, bind it, then tell it the load balancer.
 *
 * <pre>{@code
 * LoadBalancerMetrics metrics = new LoadBalancerMetrics();
 * metrics.bindTo(registry);                      // before open: the start-up commit counts too
 * LoadBalancer lb = LoadBalancer.builder(transport).listener(metrics).open();
 * metrics.watch(lb);                             // the per-farm and per-backend gauges
 * }</pre>
 *
 * <p>The per-backend gauges are read from one snapshot of the load balancer (its farms, and the
 * counters of all of them from one conntrack dump, {@link LoadBalancer#counters()}), taken when a
 * gauge is read and the last one is older than {@code maxAge} (by the registry's clock): a
 * scrape of any number of farms costs one dump (docs/benchmarks/metrics.md). Farms and
 * backends that come or go are registered or removed when a snapshot is taken, so they appear in
 * (or leave) the scrape after the one that noticed them. Without a connection table (a transport
 * other than netlink) the conntrack gauges are not registered.
 *
 * <p>Commit meters are recorded on the load balancer's commit thread: a few counter increments
 * and a timer sample per transaction. Bind it to one registry (a composite one to reach several).
 */
public final class LoadBalancerMetrics implements MeterBinder, CommitListener {

    /** How long a snapshot of farms and conntrack serves the gauges by default. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);

    private final Duration maxAge;
    private volatile Meters meters; // null until bound
    private volatile LoadBalancer watched;
    private volatile BackendGauges gauges;

    /** Snapshots of farms and conntrack serve for {@link #DEFAULT_MAX_AGE}. */
    public LoadBalancerMetrics() {
        this(DEFAULT_MAX_AGE);
    }

    /**
     * @param maxAge how long one snapshot of the farms and one conntrack dump serve the gauges:
     *     at most the scrape interval, so that each scrape reads fresh numbers, and more than
     *     a scrape takes, so that a scrape costs one dump
     */
    public LoadBalancerMetrics(Duration maxAge) {
        requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge cannot be negative: " + maxAge);
        }
        this.maxAge = maxAge;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        if (meters != null) {
            throw new IllegalStateException("already bound to " + meters.registry);
        }
        meters = new Meters(registry);
        startGauges();
    }

    /**
     * The load balancer whose farms and backends the gauges follow (the one this listener was
     * given to).
     *
     * @throws IllegalStateException if one is watched already
     */
    public synchronized LoadBalancerMetrics watch(LoadBalancer lb) {
        requireNonNull(lb, "lb");
        if (watched != null) {
            throw new IllegalStateException("already watching a load balancer");
        }
        watched = lb;
        startGauges();
        return this;
    }

    private void startGauges() {
        if (meters != null && watched != null && gauges == null) {
            gauges = new BackendGauges(meters.registry, watched, maxAge);
        }
    }

    @Override
    public void measured(CommitReport report) {
        Meters m = meters;
        if (m != null) {
            m.record(report);
        }
    }

    @Override
    public void checked(DriftReport report) {
        Meters m = meters;
        if (m != null) {
            String result = report.failure().isPresent() ? "failed" : !report.readBack() ? "unchanged"
                    : report.drifted() == 0 ? "same" : "drifted";
            m.registry.counter(MeterNames.DRIFT_CHECKS, "result", result).increment();
        }
    }

    /** The commit meters of one registry, made once so that recording a commit looks nothing up. */
    private static final class Meters {
        final MeterRegistry registry;
        final Map<CommitReport.Cause, Timer> succeeded = new EnumMap<>(CommitReport.Cause.class);
        final Map<CommitReport.Cause, Timer> failed = new EnumMap<>(CommitReport.Cause.class);
        final Map<CommitReport.Cause, Timer> transport = new EnumMap<>(CommitReport.Cause.class);
        final Map<CommitReport.Cause, Counter> operations = new EnumMap<>(CommitReport.Cause.class);
        final Map<CommitReport.Cause, Counter> elements = new EnumMap<>(CommitReport.Cause.class);
        final DistributionSummary changes;
        final Map<List<String>, Counter> failures = new ConcurrentHashMap<>();

        Meters(MeterRegistry registry) {
            this.registry = registry;
            for (CommitReport.Cause c : CommitReport.Cause.values()) {
                String cause = c.name().toLowerCase(java.util.Locale.ROOT);
                succeeded.put(c, commits(cause, "success"));
                failed.put(c, commits(cause, "failure"));
                transport.put(c, Timer.builder(MeterNames.COMMIT_TRANSPORT)
                        .description("Time of a commit spent in the transport: encoding, the kernel, its ACK")
                        .tag("cause", cause).register(registry));
                operations.put(c, Counter.builder(MeterNames.COMMIT_OPERATIONS)
                        .description("Operations in committed transactions").tag("cause", cause).register(registry));
                elements.put(c, Counter.builder(MeterNames.COMMIT_ELEMENTS)
                        .description("Set elements added or deleted by committed transactions").tag("cause", cause)
                        .register(registry));
            }
            changes = DistributionSummary.builder(MeterNames.COMMIT_CHANGES)
                    .description("Callers' changes coalesced into one transaction").register(registry);
            for (String outcome : List.of("success", "failure")) {
                Counter.builder(MeterNames.DRIFT_REPAIRS).description("Transactions that put back a drifted table")
                        .tag("outcome", outcome).register(registry);
            }
        }

        private Timer commits(String cause, String outcome) {
            return Timer.builder(MeterNames.COMMITS)
                    .description("Transactions, from the first change's call to the kernel's answer")
                    .tags("cause", cause, "outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
        }

        void record(CommitReport r) {
            CommitReport.Cause c = r.cause();
            long nanos = r.latency().toNanos();
            if (r.succeeded()) {
                succeeded.get(c).record(nanos, TimeUnit.NANOSECONDS);
                operations.get(c).increment(r.operations());
                elements.get(c).increment(r.elements());
            } else {
                failed.get(c).record(nanos, TimeUnit.NANOSECONDS);
                String errno = r.errno().orElse("UNKNOWN");
                String op = r.failedOperation().map(LoadBalancerMetrics::kind).orElse("none");
                failures.computeIfAbsent(List.of(c.name(), errno, op), k -> Counter.builder(MeterNames.COMMIT_FAILURES)
                        .description("Transactions the kernel refused")
                        .tags("cause", c.name().toLowerCase(java.util.Locale.ROOT), "errno", errno, "operation", op)
                        .register(registry)).increment();
            }
            if (!r.transport().isZero()) {
                transport.get(c).record(r.transport().toNanos(), TimeUnit.NANOSECONDS);
            }
            if (c == CommitReport.Cause.CHANGE) {
                changes.record(r.changes());
            } else if (c == CommitReport.Cause.REPAIR) {
                registry.counter(MeterNames.DRIFT_REPAIRS, "outcome", r.succeeded() ? "success" : "failure")
                        .increment();
            }
        }
    }

    /** The kind of an operation, a tag of few values (not the object it is about). */
    static String kind(Op op) {
        return switch (op) {
            case Op.AddTable o -> "add table";
            case Op.DeleteTable o -> "delete table";
            case Op.AddChain o -> "add chain";
            case Op.FlushChain o -> "flush chain";
            case Op.DeleteChain o -> "delete chain";
            case Op.AddRule o -> "add rule";
            case Op.DeleteRule o -> "delete rule";
            case Op.AddSet o -> "add set";
            case Op.DeleteSet o -> "delete set";
            case Op.FlushSet o -> "flush set";
            case Op.AddElements o -> "add element";
            case Op.DeleteElements o -> "delete element";
            case Op.AddObject o -> "add object";
            case Op.DeleteObject o -> "delete object";
            case Op.AddFlowtable o -> "add flowtable";
            case Op.DeleteFlowtable o -> "delete flowtable";
            case Op.DeleteFlowtableDevices o -> "delete flowtable devices";
        };
    }
}
