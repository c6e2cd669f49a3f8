package io.nftlb.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a farm refuses before it schedules a new connection: clients that open connections too
 * fast or hold too many, for a while after they did. Checked in the prerouting filter, per client
 * (source address) of each of the farm's virtual services (address and port): a farm with several
 * ports counts a client once per port. Immutable; each step returns a new value.
 *
 * <pre>{@code
 * Limits.none().newConnections(Rate.perSecond(10).burst(20)).connectionsPerClient(50)
 *         .ban(Duration.ofMinutes(5)).log("web-limit ", Rate.perSecond(5))
 * }</pre>
 *
 * @param newConnections most new connections a client may open (excess is refused)
 * @param connectionsPerClient most connections a client may hold at once (counted by conntrack)
 * @param ban how long a client that exceeded the new-connection rate is refused entirely
 * @param resets most TCP resets a client may send to the farm (excess is refused: RST floods)
 * @param tcpStrict whether a TCP connection may only be opened by a plain SYN (a bare ACK, or a
 *        SYN with FIN, RST or ACK, that conntrack would pick up as a new connection is refused), and
 *        packets conntrack finds invalid (out of window, for no connection) are dropped
 * @param verdict what happens to a connection over a limit
 * @param log optionally logs each refusal with this prefix (followed by what fired), at most at its rate if
 *        it has one
 */
public record Limits(Optional<Rate> newConnections, OptionalInt connectionsPerClient, Optional<Duration> ban,
                     Optional<Rate> resets, boolean tcpStrict, Verdict verdict, Optional<Log> log) {

    /** What a connection over a limit gets. */
    public enum Verdict {
        /** Dropped (the client retries as TCP does, and is counted again); logged if a log is set. */
        DROP,
        /** Let through, only counted (each check's rule counter); takes no log. */
        ACCEPT,
        /** Let through and logged when a log is set, e.g. to learn the right limit first. */
        LOG
    }

    /**
     * A log prefix and, optionally, the most log lines per unit of time. Without a rate every
     * line is written: that is what nftlb does, and what a person reading every refusal wants,
     * but a flood of refused packets then becomes a flood of kernel log lines.
     *
     * @param prefix the text each line starts with
     * @param rate the most lines per unit of time (the kernel's {@code limit} statement); empty
     *        for no limit
     */
    public record Log(String prefix, Optional<Rate> rate) {
        /**
         * Longest prefix: the kernel keeps 127 characters, and the library adds what fired
         * (e.g. {@code "backend b1 "}, up to 57 more).
         */
        public static final int MAX_PREFIX = 64;

        public Log {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(rate, "rate");
            Check.that(prefix.length() <= MAX_PREFIX, "log", "prefix \"%s\" is longer than %d characters",
                    prefix, MAX_PREFIX);
            Check.that(prefix.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"'), "log",
                    "prefix \"%s\" may only have printable ASCII characters other than '\"'", prefix);
        }

        /** At most {@code rate} lines. */
        public Log(String prefix, Rate rate) {
            this(prefix, Optional.of(Objects.requireNonNull(rate, "rate")));
        }

        /** Every line, with no rate limit. */
        public static Log unlimited(String prefix) {
            return new Log(prefix, Optional.empty());
        }

        /** For people: {@code at most 5/second}, or {@code without a rate limit}. */
        public String rateText() {
            return rate.map(r -> "at most " + r).orElse("without a rate limit");
        }
    }

    /** Longest ban accepted: a day. */
    public static final Duration MAX_BAN = Duration.ofDays(1);

    /** Most connections per client a limit may allow. */
    public static final int MAX_CONNECTIONS = 1_000_000;

    public Limits {
        Objects.requireNonNull(newConnections, "newConnections");
        Objects.requireNonNull(connectionsPerClient, "connectionsPerClient");
        Objects.requireNonNull(ban, "ban");
        Objects.requireNonNull(resets, "resets");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(log, "log");
        connectionsPerClient.ifPresent(n -> Check.that(n >= 1 && n <= MAX_CONNECTIONS, "limits",
                "connections per client %d must be within 1..%d", n, MAX_CONNECTIONS));
        ban.ifPresent(b -> Check.that(b.toMillis() >= 1000 && b.compareTo(MAX_BAN) <= 0, "limits",
                "ban %s must be within 1s..%s", b, MAX_BAN));
        Check.that(ban.isEmpty() || newConnections.isPresent(), "limits",
                "ban %s needs a new-connection rate to exceed", ban.map(Duration::toString).orElse(""));
        Check.that(ban.isEmpty() || verdict == Verdict.DROP, "limits", "ban %s needs verdict DROP, not %s",
                ban.map(Duration::toString).orElse(""), verdict);
        Check.that(verdict != Verdict.ACCEPT || log.isEmpty(), "limits",
                "verdict ACCEPT logs nothing: log \"%s\" needs verdict DROP or LOG", log.map(Log::prefix).orElse(""));
    }

    /** No limits. */
    public static Limits none() {
        return NONE;
    }

    /** One instance for all farms without limits. */
    private static final Limits NONE = new Limits(Optional.empty(), OptionalInt.empty(), Optional.empty(),
            Optional.empty(), false, Verdict.DROP, Optional.empty());

    /** Whether any limit is set. */
    public boolean any() {
        return newConnections.isPresent() || connectionsPerClient.isPresent() || resets.isPresent() || tcpStrict;
    }

    public Limits newConnections(Rate value) {
        return new Limits(Optional.of(value), connectionsPerClient, ban, resets, tcpStrict, verdict, log);
    }

    public Limits connectionsPerClient(int value) {
        return new Limits(newConnections, OptionalInt.of(value), ban, resets, tcpStrict, verdict, log);
    }

    /** Refuses a client's TCP resets over {@code rate} (checked on every packet, not only new connections). */
    public Limits resets(Rate rate) {
        return new Limits(newConnections, connectionsPerClient, ban, Optional.of(rate), tcpStrict, verdict, log);
    }

    /** Only a plain SYN may open a TCP connection (see {@link #tcpStrict()}). */
    public Limits strictTcp() {
        return new Limits(newConnections, connectionsPerClient, ban, resets, true, verdict, log);
    }

    /** Refuses every connection of a client for {@code ttl} once it exceeded the new-connection rate. */
    public Limits ban(Duration ttl) {
        return new Limits(newConnections, connectionsPerClient, Optional.of(ttl), resets, tcpStrict, verdict, log);
    }

    public Limits verdict(Verdict value) {
        return new Limits(newConnections, connectionsPerClient, ban, resets, tcpStrict, value, log);
    }

    /** Logs refusals (and, with verdict LOG, connections over a limit) with this prefix, at most at {@code rate}. */
    public Limits log(String prefix, Rate rate) {
        return log(new Log(prefix, rate));
    }

    /**
     * Logs every refusal (and, with verdict LOG, every connection over a limit) with this prefix,
     * with no rate limit on the lines.
     */
    public Limits log(String prefix) {
        return log(Log.unlimited(prefix));
    }

    /** Logs refusals as {@code value} says (prefix, and rate if any). */
    public Limits log(Log value) {
        return new Limits(newConnections, connectionsPerClient, ban, resets, tcpStrict, verdict,
                Optional.of(Objects.requireNonNull(value, "log")));
    }
}
