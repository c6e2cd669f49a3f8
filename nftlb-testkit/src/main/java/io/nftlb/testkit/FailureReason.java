package io.nftlb.testkit;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Why a request in a {@link Tally} got no answer. */
public enum FailureReason {
    /** The TCP handshake did not complete in time (nothing answered the SYN). */
    CONNECT_TIMEOUT,
    /** Connected (or sent, for UDP), but no reply line arrived in time. */
    REPLY_TIMEOUT,
    /** Actively refused: a TCP RST, or an ICMP port unreachable for UDP. */
    REFUSED,
    /** No route to the target, or an ICMP host or network unreachable. */
    UNREACHABLE,
    /** The connection was reset after it was established. */
    RESET,
    /** The server closed the connection before its reply line. */
    CLOSED,
    /** Not attempted: the run's maximum duration had passed. */
    DEADLINE,
    /** Anything else (the detail of the failure says what). */
    OTHER;

    /** Classifies an I/O failure; {@code connecting} tells a connect timeout from a reply timeout. */
    static FailureReason of(Exception failure, boolean connecting) {
        String message = String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return switch (failure) {
            case SocketTimeoutException e -> connecting ? CONNECT_TIMEOUT : REPLY_TIMEOUT;
            case PortUnreachableException e -> REFUSED;
            case NoRouteToHostException e -> UNREACHABLE;
            case ConnectException e when message.contains("refused") -> REFUSED;
            case ConnectException e when message.contains("timed out") -> CONNECT_TIMEOUT;
            case SocketException e when message.contains("unreachable") -> UNREACHABLE;
            case SocketException e when message.contains("reset") -> RESET;
            default -> OTHER;
        };
    }
}
