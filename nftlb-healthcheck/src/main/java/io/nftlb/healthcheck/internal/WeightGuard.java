package io.nftlb.healthcheck.internal;

import io.nftlb.core.Backend;
import io.nftlb.healthcheck.Observation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an estimator's answer must satisfy before it reaches the runtime. */
public final class WeightGuard {

    private WeightGuard() {
    }

    /**
     * One weight per observed backend, in order: the estimator's, or the previous one when it
     * gave none (or the configured one), clamped into [0, MAX_WEIGHT]. Backends it did not
     * observe are dropped. If every UP backend would get 0, the UP backends get 1.
     */
    public static Map<String, Integer> apply(List<Observation> observations, Map<String, Integer> estimated,
                                             Map<String, Integer> previous) {
        Map<String, Integer> out = new LinkedHashMap<>();
        boolean anyUpServing = false;
        boolean anyUp = false;
        for (Observation o : observations) {
            Integer v = estimated == null ? null : estimated.get(o.backend());
            if (v == null) {
                v = previous.getOrDefault(o.backend(), o.configuredWeight());
            }
            int w = Math.max(0, Math.min(Backend.MAX_WEIGHT, v));
            out.put(o.backend(), w);
            anyUp |= o.up();
            anyUpServing |= o.up() && w > 0;
        }
        if (anyUp && !anyUpServing) {
            observations.stream().filter(Observation::up).forEach(o -> out.put(o.backend(), 1));
        }
        return out;
    }
}
