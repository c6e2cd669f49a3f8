package io.nftlb.healthcheck;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How and when to run a {@link HealthCheck} against each backend of a farm. Immutable: every
 * step returns a new value.
 *
 * <pre>{@code
 * CheckPolicy.of(HealthCheck.tcp()).interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(1))
 *         .rise(2).fall(3).jitter(Duration.ofMillis(200)).port(8080)
 * }</pre>
 *
 * <p>A backend goes DOWN after {@code fall} failed probes in a row and UP again after
 * {@code rise} good probes in a row, so a dead backend is noticed within about
 * {@code interval * fall + timeout} (plus jitter).
 *
 * @param check what to run
 * @param interval time between the starts of two probes of one backend
 * @param timeout how long one probe may take
 * @param rise good probes in a row that bring a DOWN backend UP
 * @param fall failed probes in a row that take an UP backend DOWN
 * @param jitter a random extra delay in [0, jitter] added to each interval, so probes of many
 *     backends spread out
 * @param address probe this address instead of the backend's
 * @param port probe this port instead of the backend's (or the farm's, when single)
 */
public record CheckPolicy(HealthCheck check, Duration interval, Duration timeout, int rise, int fall,
                          Duration jitter, Optional<InetAddress> address, OptionalInt port) {

    /** Checks every field; see the class comment for what they mean. */
    public CheckPolicy {
        Objects.requireNonNull(check, "check == null");
        Objects.requireNonNull(interval, "interval == null");
        Objects.requireNonNull(timeout, "timeout == null");
        Objects.requireNonNull(jitter, "jitter == null");
        Objects.requireNonNull(address, "address == null");
        Objects.requireNonNull(port, "port == null");
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("interval must be at least 10 ms: " + interval);
        }
        if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("timeout must be at least 1 ms: " + timeout);
        }
        if (rise < 1 || rise > 1000) {
            throw new IllegalArgumentException("rise must be within 1..1000: " + rise);
        }
        if (fall < 1 || fall > 1000) {
            throw new IllegalArgumentException("fall must be within 1..1000: " + fall);
        }
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("jitter cannot be negative: " + jitter);
        }
        port.ifPresent(p -> {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port must be within 1..65535: " + p);
            }
        });
    }

    /** {@code check} every 2 s, 1 s timeout, rise 2, fall 3, no jitter (as HAProxy's defaults). */
    public static CheckPolicy of(HealthCheck check) {
        return new CheckPolicy(check, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, Duration.ZERO,
                Optional.empty(), OptionalInt.empty());
    }

    /** The same policy probing every {@code value} (at least 10 ms). */
    public CheckPolicy interval(Duration value) {
        return new CheckPolicy(check, value, timeout, rise, fall, jitter, address, port);
    }

    /** The same policy allowing each probe {@code value} (at least 1 ms). */
    public CheckPolicy timeout(Duration value) {
        return new CheckPolicy(check, interval, value, rise, fall, jitter, address, port);
    }

    /** The same policy needing {@code value} good probes in a row to come back UP. */
    public CheckPolicy rise(int value) {
        return new CheckPolicy(check, interval, timeout, value, fall, jitter, address, port);
    }

    /** The same policy needing {@code value} failed probes in a row to go DOWN. */
    public CheckPolicy fall(int value) {
        return new CheckPolicy(check, interval, timeout, rise, value, jitter, address, port);
    }

    /** The same policy adding a random delay in [0, {@code value}] to each interval. */
    public CheckPolicy jitter(Duration value) {
        return new CheckPolicy(check, interval, timeout, rise, fall, value, address, port);
    }

    /** Probe this numeric address instead of the backend's. */
    public CheckPolicy address(String value) {
        InetAddress a = io.nftlb.core.Backend.at(value).address(); // parses numeric addresses only
        return new CheckPolicy(check, interval, timeout, rise, fall, jitter, Optional.of(a), port);
    }

    /** The same policy probing port {@code value} instead of the backend's. */
    public CheckPolicy port(int value) {
        return new CheckPolicy(check, interval, timeout, rise, fall, jitter, address, OptionalInt.of(value));
    }
}
