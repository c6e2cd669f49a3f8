package io.nftlb.daemon;

import java.time.Duration;

/**
 * What the HTTP API gives one client at most, so that slow, stalled or oversized requests
 * cannot take it from the others.
 *
 * @param threads requests served at the same time (more wait their turn); a connection that is
 *     still sending its request line or headers holds no thread
 * @param connections open connections at most; past it, new ones wait in the listen backlog
 * @param timeout a connection that sends nothing (or takes nothing of the reply) for this long
 *     is closed: the read and write timeout
 * @param headerBytes the request line and headers together at most (431 past it)
 * @param bodyBytes a request body at most (413 past it, before it is read when its length is given)
 */
public record ApiLimits(int threads, int connections, Duration timeout, int headerBytes, int bodyBytes) {

    /** 8 threads, 256 connections, 30 s, 8 KiB of headers, 16 MiB of body. */
    public static final ApiLimits DEFAULTS = new ApiLimits(8, 256, Duration.ofSeconds(30), 8 * 1024, 16 * 1024 * 1024);

    public ApiLimits {
        positive("threads", threads);
        positive("connections", connections);
        positive("header bytes", headerBytes);
        positive("body bytes", bodyBytes);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " must be positive");
        }
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " " + value + " must be positive");
        }
    }
}
