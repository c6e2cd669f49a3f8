package io.nftlb.healthcheck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link HealthCheck} probes: one backend of one farm, at the address and port the
 * check policy chose (the backend's own, or a different one), within a time budget.
 *
 * @param farm the farm's name
 * @param backend the backend's name
 * @param address where to probe
 * @param timeout the whole probe must finish within this; checks should set their socket
 *     timeouts from it (the monitor also stops waiting after it)
 * @param network where to open sockets and start processes (the balancer's namespace)
 */
public record Target(String farm, String backend, InetSocketAddress address, Duration timeout,
                     ProbeNetwork network) {

    public Target {
        Objects.requireNonNull(farm, "farm == null");
        Objects.requireNonNull(backend, "backend == null");
        Objects.requireNonNull(address, "address == null");
        Objects.requireNonNull(timeout, "timeout == null");
        Objects.requireNonNull(network, "network == null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** The timeout in whole milliseconds, at least 1 (for socket APIs). */
    public int timeoutMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    @Override
    public String toString() {
        return farm + "/" + backend + " at " + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
