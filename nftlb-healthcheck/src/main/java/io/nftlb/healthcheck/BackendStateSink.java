package io.nftlb.healthcheck;

import io.nftlb.core.BackendState;
import io.nftlb.core.runtime.LoadBalancer;
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

    /**
     * Feeds a {@link LoadBalancer}: each change becomes one of its calls, committed (and
     * coalesced with others) like any other change. Waits for the commit, so a failed commit
     * reaches the monitor, which retries and logs it once.
     */
    static BackendStateSink of(LoadBalancer loadBalancer) {
        java.util.Objects.requireNonNull(loadBalancer, "loadBalancer");
        return new BackendStateSink() {
            @Override
            public void stateChanged(String farm, String backend, BackendState state) {
                loadBalancer.setState(farm, backend, state).join();
            }

            @Override
            public void weightsChanged(String farm, Map<String, Integer> weights) {
                loadBalancer.setWeights(farm, weights).join();
            }

            @Override
            public String toString() {
                return "sink to " + loadBalancer;
            }
        };
    }
}
