package io.nftlb.healthcheck;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the monitor knows about one backend when it asks a {@link WeightEstimator} for weights.
 *
 * @param backend the backend's name
 * @param up whether its health is UP
 * @param configuredWeight its weight in the farm
 * @param latency smoothed (EWMA) latency of its successful probes, if any
 * @param load smoothed load in [0, 1] its checks reported, if any
 */
public record Observation(String backend, boolean up, int configuredWeight, Optional<Duration> latency,
                          OptionalDouble load) {

    public Observation {
        Objects.requireNonNull(backend, "backend == null");
        Objects.requireNonNull(latency, "latency == null");
        Objects.requireNonNull(load, "load == null");
    }
}
