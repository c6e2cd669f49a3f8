package io.nftlb.healthcheck;

import io.nftlb.core.BackendState;
import java.time.Instant;

/**
 * A backend changed health.
 *
 * @param farm the farm
 * @param backend the backend
 * @param from the state before
 * @param to the state now ({@code UP} or {@code DOWN})
 * @param cause the probe result that tipped it over
 * @param check the check's name
 * @param at when (from the monitor's clock)
 */
public record StateChange(String farm, String backend, BackendState from, BackendState to,
                          HealthResult cause, String check, Instant at) {
}
