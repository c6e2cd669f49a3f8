package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TallyTest {
    private final Tally tally = new Tally(List.of(
            new Tally.Answered(0, "10.0.0.2", "b0", "10.0.0.2", 40000),
            new Tally.Answered(1, "10.0.0.100", "b1", "10.0.0.100", 40001),
            new Tally.Failed(2, "10.0.0.2", FailureReason.REFUSED, "java.net.ConnectException: Connection refused"),
            new Tally.Answered(3, "10.0.0.100", "b1", "10.1.0.1", 40002),
            new Tally.Answered(4, "10.0.0.2", "b0", "10.0.0.2", 40003)));

    @Test
    void countsAnswersAndFailures() {
        assertEquals(5, tally.requests());
        assertEquals(4, tally.answered());
        assertEquals(1, tally.failed());
        assertEquals(Map.of("b0", 2, "b1", 2), tally.countsByBackend());
        assertEquals(2, tally.count("b1"));
        assertEquals(0, tally.count("b7"));
        assertEquals(Set.of("b0", "b1"), tally.backends());
        assertEquals(Map.of(FailureReason.REFUSED, 1), tally.failuresByReason());
    }

    @Test
    void keepsTheRequestOrder() {
        assertEquals(List.of("b0", "b1", "b1", "b0"), tally.sequence());
    }

    @Test
    void knowsWhatEachBackendSawAndWhoAnsweredEachSource() {
        assertEquals(Map.of("b0", Set.of("10.0.0.2"), "b1", Set.of("10.0.0.100", "10.1.0.1")), tally.peersByBackend());
        assertEquals(Map.of("10.0.0.2", Set.of("b0"), "10.0.0.100", Set.of("b1")), tally.backendsBySource());
    }

    @Test
    void aSummaryForAssertionMessages() {
        String text = tally.toString();

        assertTrue(text.startsWith("5 requests: 4 answered, 1 failed {REFUSED=1}; by backend {b0=2, b1=2}"), text);
        assertTrue(text.contains("sequence b0 b1 b1 b0"), text);
        assertTrue(text.contains("first failure #2 from 10.0.0.2: REFUSED"), text);
    }

    @Test
    void anEmptyTallyIsReadableToo() {
        assertEquals("0 requests: 0 answered, 0 failed; by backend {}; peers {}; sequence ", new Tally(List.of()).toString());
    }

    @Test
    void failuresAreClassifiedByWhatTheKernelSaid() {
        assertEquals(FailureReason.CONNECT_TIMEOUT, FailureReason.of(new SocketTimeoutException("Connect timed out"), true));
        assertEquals(FailureReason.REPLY_TIMEOUT, FailureReason.of(new SocketTimeoutException("Read timed out"), false));
        assertEquals(FailureReason.REFUSED, FailureReason.of(new ConnectException("Connection refused"), true));
        assertEquals(FailureReason.REFUSED, FailureReason.of(new PortUnreachableException("ICMP Port Unreachable"), false));
        assertEquals(FailureReason.UNREACHABLE, FailureReason.of(new NoRouteToHostException("No route to host"), true));
        assertEquals(FailureReason.UNREACHABLE, FailureReason.of(new SocketException("Network is unreachable"), true));
        assertEquals(FailureReason.RESET, FailureReason.of(new SocketException("Connection reset"), false));
        assertEquals(FailureReason.OTHER, FailureReason.of(new SocketException("Cannot assign requested address"), true));
    }
}
