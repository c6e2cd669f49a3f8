package io.nftlb.micrometer;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nftlb.core.BackendState;
import io.nftlb.healthcheck.HealthListener;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.Probe;
import io.nftlb.healthcheck.StateChange;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of a {@link HealthMonitor} (tags {@code farm}, {@code backend}): every probe's
 * latency by result, the health state each backend is in, and state changes (see
 * {@link MeterNames}). Binding it adds it to the monitor's listeners; a backend's meters appear
 * with its first probe. Bind it to one registry (a composite one to reach several).
 *
 * <pre>{@code
 * new HealthMetrics(monitor).bindTo(registry);
 * }</pre>
 */
public final class HealthMetrics implements MeterBinder {

    private final HealthMonitor monitor;
    private volatile MeterRegistry registry;
    private final Map<List<String>, Timer> probes = new ConcurrentHashMap<>();
    private final Map<List<String>, Gauge> states = new ConcurrentHashMap<>();

    public HealthMetrics(HealthMonitor monitor) {
        this.monitor = requireNonNull(monitor, "monitor");
    }

    @Override
    public synchronized void bindTo(MeterRegistry value) {
        requireNonNull(value, "registry");
        if (registry != null) {
            throw new IllegalStateException("already bound to " + registry);
        }
        registry = value;
        monitor.addListener(new HealthListener() {
            @Override
            public void stateChanged(StateChange change) {
                Counter.builder(MeterNames.HEALTH_TRANSITIONS).description("Health state changes")
                        .tags("farm", change.farm(), "backend", change.backend(), "to", change.to().name())
                        .register(registry).increment();
            }

            @Override
            public void probed(Probe probe) {
                record(probe);
            }

            @Override
            public String toString() {
                return "HealthMetrics";
            }
        });
    }

    private void record(Probe p) {
        String result = p.result().status().name().toLowerCase(Locale.ROOT);
        probes.computeIfAbsent(List.of(p.farm(), p.backend(), result), k -> Timer.builder(MeterNames.HEALTH_PROBES)
                .description("Health probes and their latency")
                .tags("farm", p.farm(), "backend", p.backend(), "result", result).register(registry))
                .record(p.result().latency());
        states.computeIfAbsent(List.of(p.farm(), p.backend()), k -> Gauge.builder(MeterNames.HEALTH_STATE, this,
                        m -> m.state(p.farm(), p.backend()))
                .description("1 if the health monitor sees the backend UP, 0 if DOWN")
                .tags("farm", p.farm(), "backend", p.backend()).strongReference(true).register(registry));
    }

    private double state(String farm, String backend) {
        try {
            return monitor.state(farm, backend) == BackendState.UP ? 1 : 0;
        } catch (IllegalArgumentException e) {
            return Double.NaN; // no longer watched
        }
    }
}
