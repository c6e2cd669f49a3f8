package io.nftlb.healthcheck;

import java.util.Map;

/**
 * Counts the connections each backend of a farm carries (for least connections), for example
 * conntrack entries by backend mark. Backends missing from the answer count as 0.
 */
@FunctionalInterface
public interface ConnectionCounter {
    /** Connections per backend name of {@code farm}; may throw (the estimate is then skipped). */
    Map<String, Long> countByBackend(String farm) throws Exception;
}
