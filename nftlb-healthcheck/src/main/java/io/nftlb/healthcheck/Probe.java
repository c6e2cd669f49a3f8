package io.nftlb.healthcheck;

import io.nftlb.core.BackendState;
import java.util.Objects;

/**
 * One probe's outcome ({@link HealthListener#probed}).
 *
 * @param farm the farm
 * @param backend the backend
 * @param check the check's name
 * @param result what the probe found, with its latency
 * @param state the backend's health after it ({@code UP} or {@code DOWN}: one result changes it
 *     only at the end of a rise or fall streak)
 */
public record Probe(String farm, String backend, String check, HealthResult result, BackendState state) {

    public Probe {
        Objects.requireNonNull(farm, "farm == null");
        Objects.requireNonNull(backend, "backend == null");
        Objects.requireNonNull(check, "check == null");
        Objects.requireNonNull(result, "result == null");
        Objects.requireNonNull(state, "state == null");
    }
}
