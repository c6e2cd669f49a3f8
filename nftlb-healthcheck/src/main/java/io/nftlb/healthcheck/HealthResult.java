package io.nftlb.healthcheck;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one probe found.
 *
 * @param status up, down, or unknown (the probe could not be judged and counts neither way)
 * @param latency how long the probe took (the monitor fills it in when a check leaves it zero)
 * @param reason why, in a few words ("connected", "connection refused", "status 500")
 * @param load a measured load of the backend in [0, 1] (1 = saturated), when the check reads one
 */
public record HealthResult(Status status, Duration latency, String reason, OptionalDouble load) {

    /** Up or down; UNKNOWN when the monitor could not judge the probe (see {@link #unknown}). */
    public enum Status { UP, DOWN, UNKNOWN }

    public HealthResult {
        Objects.requireNonNull(status, "status == null");
        Objects.requireNonNull(latency, "latency == null");
        Objects.requireNonNull(reason, "reason == null");
        Objects.requireNonNull(load, "load == null");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency cannot be negative: " + latency);
        }
    }

    /** Up, for the given reason; the monitor measures the latency. */
    public static HealthResult up(String reason) {
        return new HealthResult(Status.UP, Duration.ZERO, reason, OptionalDouble.empty());
    }

    /** Down, for the given reason; the monitor measures the latency. */
    public static HealthResult down(String reason) {
        return new HealthResult(Status.DOWN, Duration.ZERO, reason, OptionalDouble.empty());
    }

    /**
     * Neither up nor down: the rise/fall streaks ignore it. The monitor uses it when a probe timed
     * out because the monitor itself was starved of CPU (the probe started late), so that an
     * overloaded balancer does not declare healthy backends DOWN.
     */
    public static HealthResult unknown(String reason) {
        return new HealthResult(Status.UNKNOWN, Duration.ZERO, reason, OptionalDouble.empty());
    }

    /** Whether the probe succeeded. */
    public boolean isUp() {
        return status == Status.UP;
    }

    /** The same result with the given latency. */
    public HealthResult withLatency(Duration value) {
        return new HealthResult(status, value, reason, load);
    }

    /** The same result carrying a load measurement, clamped into [0, 1]. */
    public HealthResult withLoad(double value) {
        double v = Double.isNaN(value) ? 1.0 : Math.max(0.0, Math.min(1.0, value));
        return new HealthResult(status, latency, reason, OptionalDouble.of(v));
    }

    @Override
    public String toString() {
        return status + " (" + reason + ", " + latency.toMillis() + " ms"
                + (load.isPresent() ? ", load " + load.getAsDouble() : "") + ")";
    }
}
