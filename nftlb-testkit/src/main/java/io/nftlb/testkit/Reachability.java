package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

/**
 * Whether a client source reaches a service, for tests of what a balancer lets through and
 * what it drops (policies, limits, forwarding modes): three TCP connections from one source
 * address with a short connect timeout, since a dropped SYN is never answered.
 *
 * <pre>{@code
 * Reachability.assertDropped(Reachability.connect(t, VIP, bad), "blacklisted " + bad);
 * }</pre>
 */
public final class Reachability {

    /** How long a connection attempt waits for the SYN-ACK of a dropped SYN. */
    public static final Duration DROPPED_AFTER = Duration.ofMillis(700);

    private Reachability() {}

    /** Three connections from {@code source} to {@code vip} port 80. */
    public static Tally connect(Topology t, String vip, String source) {
        return t.client().tcp(vip, 80).from(source).count(3).connectTimeout(DROPPED_AFTER).run();
    }

    /** All three were answered. */
    public static void assertAnswered(Tally tally, String what) {
        assertEquals(3, tally.answered(), what + ": 3 connections, " + tally.answered() + " answered: " + tally);
    }

    /** None was answered: each attempt timed out (its SYN was dropped, not refused). */
    public static void assertDropped(Tally tally, String what) {
        assertEquals(Map.of(FailureReason.CONNECT_TIMEOUT, 3), tally.failuresByReason(),
                what + ": 3 connections, " + tally.answered() + " answered: " + tally);
    }
}
