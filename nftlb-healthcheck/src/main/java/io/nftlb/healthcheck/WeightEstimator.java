package io.nftlb.healthcheck;

import io.nftlb.healthcheck.internal.Estimators;
import java.util.List;
import java.util.Map;

/**
 * Turns observations of a farm's backends into dynamic weights. Called periodically from one
 * thread at a time per farm; may keep state (smoothing). The monitor guards every call: an
 * exception or a timeout keeps the previous weights, missing backends keep theirs, weights
 * are clamped into {@code [0, Backend.MAX_WEIGHT]}, and if every UP backend would get 0 they
 * all get 1 instead.
 */
@FunctionalInterface
public interface WeightEstimator {

    /** Weights by backend name. */
    Map<String, Integer> estimate(String farm, List<Observation> observations) throws Exception;

    /** The weights the farm was configured with. */
    static WeightEstimator fixed() {
        return Estimators.fixed();
    }

    /**
     * Fewer connections, more weight: weight proportional to {@code 1 / (1 + connections)},
     * smoothed so that weights move by at most half the way to the target at each estimate.
     */
    static WeightEstimator leastConnections(ConnectionCounter counter) {
        return Estimators.leastConnections(counter);
    }

    /** Faster probes, more weight: proportional to {@code 1 / smoothed latency}, smoothed. */
    static WeightEstimator leastResponseTime() {
        return Estimators.leastResponseTime();
    }

    /** More idle CPU, more weight: proportional to {@code 1 - load} (from {@link HealthCheck#snmp}). */
    static WeightEstimator leastCpuLoad() {
        return Estimators.leastCpuLoad();
    }
}
