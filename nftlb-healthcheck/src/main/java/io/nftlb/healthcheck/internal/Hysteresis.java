package io.nftlb.healthcheck.internal;

import io.nftlb.core.BackendState;

/**
 * Rise/fall counting for one backend: {@code fall} failures in a row take it DOWN, {@code rise}
 * successes in a row bring it UP; anything else resets the streak. Not thread-safe.
 */
public final class Hysteresis {

    private final int rise;
    private final int fall;
    private BackendState state;
    private int streak;

    public Hysteresis(int rise, int fall, BackendState initial) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1: " + rise + ", " + fall);
        }
        if (initial != BackendState.UP && initial != BackendState.DOWN) {
            throw new IllegalArgumentException("initial state must be UP or DOWN: " + initial);
        }
        this.rise = rise;
        this.fall = fall;
        this.state = initial;
    }

    /** Counts one probe; returns true when the state changed. */
    public boolean record(boolean up) {
        boolean agrees = up == (state == BackendState.UP);
        if (agrees) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (up ? rise : fall)) {
            state = up ? BackendState.UP : BackendState.DOWN;
            streak = 0;
            return true;
        }
        return false;
    }

    public BackendState state() {
        return state;
    }

    /** Probes in a row that disagree with the current state. */
    public int streak() {
        return streak;
    }
}
