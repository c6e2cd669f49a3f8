package io.nftlb.core.runtime;

import io.nftlb.core.transport.ConnectionTable.Counters;
import java.util.Map;

/**
 * What a farm's live connections carry now, from the kernel's connection tracking table
 * ({@link LoadBalancer#counters}).
 *
 * @param farm the farm's name
 * @param total the sum over its backends
 * @param backends per backend name (every backend of the farm, zero if it has no connections)
 */
public record FarmCounters(String farm, Counters total, Map<String, Counters> backends) {

    public FarmCounters {
        backends = Map.copyOf(backends);
    }

    /** The counters of one backend, zero for a name the farm does not have. */
    public Counters backend(String name) {
        return backends.getOrDefault(name, Counters.NONE);
    }
}
