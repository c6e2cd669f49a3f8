package io.nftlb.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/** A clock that moves only when told to. Thread-safe. */
public final class FakeClock implements InstantSource {

    private Instant now;

    private FakeClock(Instant start) {
        this.now = start;
    }

    /** A clock at 2026-01-01T00:00:00Z (not the epoch, so nothing divides by zero). */
    public static FakeClock create() {
        return at(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A clock at {@code start}. */
    public static FakeClock at(Instant start) {
        return new FakeClock(Objects.requireNonNull(start, "start == null"));
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** Moves forward by {@code d} (not backwards). */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot go back in time: " + d);
        }
        now = now.plus(d);
    }

    synchronized void set(Instant t) {
        if (t.isAfter(now)) {
            now = t;
        }
    }

    @Override
    public String toString() {
        return "FakeClock " + instant();
    }
}
