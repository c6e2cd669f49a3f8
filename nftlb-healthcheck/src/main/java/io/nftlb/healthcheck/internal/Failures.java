package io.nftlb.healthcheck.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import javax.net.ssl.SSLException;

/** Short reasons for the usual probe failures. */
final class Failures {

    private Failures() {
    }

    static String reason(Exception e) {
        String m = e.getMessage() == null ? "" : ": " + e.getMessage();
        return switch (e) {
            case SocketTimeoutException x -> "timed out";
            case ConnectException x -> "connection refused" + (m.contains("refused") ? "" : m);
            case NoRouteToHostException x -> "no route to host";
            case PortUnreachableException x -> "port unreachable";
            case UnknownHostException x -> "unknown host" + m;
            case ClosedByInterruptException x -> "interrupted";
            case SSLException x -> "TLS" + m;
            default -> e.getClass().getSimpleName() + m;
        };
    }
}
