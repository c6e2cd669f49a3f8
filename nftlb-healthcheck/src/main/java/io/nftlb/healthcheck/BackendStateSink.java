package io.nftlb.healthcheck;

import io.nftlb.core.BackendState;
import java.util.Map;

/**
 * Where the monitor reports what it found, typically an adapter to the runtime's
 * {@code LoadBalancer.setState} and {@code setWeights}. Calls are coalesced (only the latest
 * state of a backend is reported, and only when it differs from the last one reported) and
 * come from one thread at a time. If a call throws, the monitor logs it and reports again
 * later.
 */
public interface BackendStateSink {

    /** A backend's health changed ({@link BackendState#UP} or {@link BackendState#DOWN}). */
    void stateChanged(String farm, String backend, BackendState state);

    /** New dynamic weights for the backends of a farm (each within 0..Backend.MAX_WEIGHT). */
    void weightsChanged(String farm, Map<String, Integer> weights);
}
