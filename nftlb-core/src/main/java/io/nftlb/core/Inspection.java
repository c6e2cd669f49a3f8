package io.nftlb.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a farm shows of its new connections: to people, as kernel log lines with a prefix, and to
 * a program, by handing each new connection's first packet to an NFQUEUE for a verdict (e.g. a
 * DNS blocklist check). Immutable; each step returns a new value.
 *
 * <pre>{@code
 * Inspection.none().log("web-new ", Rate.perSecond(10)).queue(3, true)
 * }</pre>
 *
 * @param log logs each new connection the farm accepts, at most at the log's rate if it has one;
 *     a DSR farm, which has no connections at ingress, logs each of its packets (as nftlb does)
 * @param queue the NFQUEUE number the first packet of each new connection goes to, once scheduled
 * @param bypass whether packets are accepted while no program listens on the queue (else dropped)
 */
public record Inspection(Optional<Limits.Log> log, OptionalInt queue, boolean bypass) {

    /** Highest queue number (the kernel's is 16 bits). */
    public static final int MAX_QUEUE = 65_535;

    public Inspection {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(queue, "queue");
        queue.ifPresent(q -> Check.that(q >= 0 && q <= MAX_QUEUE, "inspection", "queue %d must be within 0..%d",
                q, MAX_QUEUE));
        Check.that(queue.isPresent() || !bypass, "inspection", "bypass needs a queue");
    }

    public static Inspection none() {
        return NONE;
    }

    /** One instance for all farms without inspection. */
    private static final Inspection NONE = new Inspection(Optional.empty(), OptionalInt.empty(), false);

    /** Logs new connections with this prefix, at most at {@code rate}. */
    public Inspection log(String prefix, Rate rate) {
        return log(new Limits.Log(prefix, rate));
    }

    /** Logs every new connection with this prefix, with no rate limit on the lines. */
    public Inspection log(String prefix) {
        return log(Limits.Log.unlimited(prefix));
    }

    /** Logs new connections as {@code value} says (prefix, and rate if any). */
    public Inspection log(Limits.Log value) {
        return new Inspection(Optional.of(Objects.requireNonNull(value, "log")), queue, bypass);
    }

    /** Hands each new connection to NFQUEUE {@code number}; with {@code bypass}, accepts them while nobody listens. */
    public Inspection queue(int number, boolean bypass) {
        return new Inspection(log, OptionalInt.of(number), bypass);
    }

    /** Whether it does anything. */
    public boolean any() {
        return log.isPresent() || queue.isPresent();
    }
}
