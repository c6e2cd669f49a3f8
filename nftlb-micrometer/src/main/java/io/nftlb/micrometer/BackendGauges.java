package io.nftlb.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.FarmCounters;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.ConnectionTable.Counters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-farm and per-backend gauges of {@link LoadBalancerMetrics}, all read from one snapshot
 * of the load balancer (farms, and conntrack from one dump) that serves every gauge until it is
 * {@code maxAge} old by the registry's clock; registers and removes gauges as farms and backends
 * come and go.
 */
final class BackendGauges {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancerMetrics.class);

    /** A backend's numbers in one snapshot. */
    private record Values(double state, double weight, Optional<Counters> counters) {}

    private final MeterRegistry registry;
    private final LoadBalancer lb;
    private final long maxAgeNanos;
    private final Timer dumps;
    private boolean conntrack = true; // false once the transport said it has no connection table
    private Map<List<String>, Values> snapshot = Map.of(); // guarded by this
    private int farms; // guarded by this
    private long takenAt; // registry clock, monotonic nanos; guarded by this
    private boolean taken; // guarded by this
    private final Map<List<String>, List<Meter>> registered = new HashMap<>(); // guarded by this

    BackendGauges(MeterRegistry registry, LoadBalancer lb, Duration maxAge) {
        this.registry = registry;
        this.lb = lb;
        this.maxAgeNanos = maxAge.toNanos();
        this.dumps = Timer.builder(MeterNames.CONNTRACK_DUMPS)
                .description("Conntrack dumps read for the backend gauges, and how long each took")
                .register(registry);
        Gauge.builder(MeterNames.FARMS, this, g -> g.current().farms).description("Farms committed")
                .strongReference(true).register(registry);
    }

    /** The snapshot, taken anew if it is older than maxAge. */
    private synchronized BackendGauges current() {
        long now = registry.config().clock().monotonicTime();
        if (!taken || now - takenAt >= maxAgeNanos) {
            try {
                take();
            } catch (RuntimeException e) {
                log.warn("reading the load balancer's farms and connections for metrics failed: {}", e.toString());
            }
            taken = true;
            takenAt = registry.config().clock().monotonicTime();
        }
        return this;
    }

    private void take() {
        List<Farm> all = lb.farms();
        Map<String, FarmCounters> counters = Map.of();
        if (conntrack) {
            long start = registry.config().clock().monotonicTime();
            try {
                counters = lb.counters();
                dumps.record(Duration.ofNanos(registry.config().clock().monotonicTime() - start));
            } catch (UnsupportedOperationException e) {
                conntrack = false; // the transport has none: no conntrack gauges
                log.info("no conntrack gauges: {}", e.getMessage());
            }
        }
        Map<List<String>, Values> next = new HashMap<>();
        for (Farm f : all) {
            FarmCounters fc = counters.get(f.name());
            for (Backend b : f.backends()) {
                next.put(List.of(f.name(), b.name()), new Values(b.state().ordinal() + 1, b.weight(),
                        fc == null ? Optional.empty() : Optional.of(fc.backend(b.name()))));
            }
        }
        farms = all.size();
        snapshot = next;
        for (var e : next.entrySet()) {
            if (!registered.containsKey(e.getKey())) {
                registered.put(e.getKey(), register(e.getKey(), e.getValue().counters().isPresent()));
            }
        }
        registered.entrySet().removeIf(e -> {
            if (next.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    private List<Meter> register(List<String> key, boolean withCounters) {
        Tags tags = Tags.of("farm", key.get(0), "backend", key.get(1));
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge(MeterNames.BACKEND_STATE, "The backend's state: 1 UP, 2 DRAIN, 3 DOWN, 4 OFF", tags, key,
                Values::state));
        meters.add(gauge(MeterNames.BACKEND_WEIGHT, "The backend's weight", tags, key, Values::weight));
        if (withCounters) {
            meters.add(gauge(MeterNames.BACKEND_CONNECTIONS, "Connections conntrack tracks to the backend now", tags,
                    key, v -> v.counters().map(c -> (double) c.connections()).orElse(Double.NaN)));
            meters.add(gauge(MeterNames.BACKEND_PACKETS, "Packets the backend's live connections carried", tags, key,
                    v -> v.counters().map(c -> (double) c.packets()).orElse(Double.NaN)));
            meters.add(gauge(MeterNames.BACKEND_BYTES, "Bytes the backend's live connections carried", tags, key,
                    v -> v.counters().map(c -> (double) c.bytes()).orElse(Double.NaN)));
        }
        return meters;
    }

    private Meter gauge(String name, String description, Tags tags, List<String> key, ToDoubleFunction<Values> f) {
        return Gauge.builder(name, this, g -> g.value(key, f)).description(description).tags(tags)
                .strongReference(true).register(registry);
    }

    private synchronized double value(List<String> key, ToDoubleFunction<Values> f) {
        Values v = current().snapshot.get(key);
        return v == null ? Double.NaN : f.applyAsDouble(v);
    }
}
