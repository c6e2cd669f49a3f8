package io.nftlb.core.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A load balancer's options, as its builder collected them.
 *
 * @param window the coalescing window
 * @param listeners told about every transaction and every drift
 * @param driftCheck how often to check the kernel's table against ours; empty: never
 * @param flushConnections whether to delete the connections of backends taken out of service
 * @param scheduler the timers of drift checks and coalescing windows
 */
record Settings(Duration window, List<CommitListener> listeners, Optional<Duration> driftCheck,
                boolean flushConnections, TaskScheduler scheduler) {

    Settings {
        listeners = List.copyOf(listeners);
    }
}
