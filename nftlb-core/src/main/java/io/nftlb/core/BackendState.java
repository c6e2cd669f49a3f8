package io.nftlb.core;

/** What a backend does with connections. */
public enum BackendState {
    /** Takes new connections. */
    UP,
    /** Keeps its established connections but takes no new ones. */
    DRAIN,
    /** Failed (health check): takes no new connections; its connections may be flushed. */
    DOWN,
    /** Switched off by the operator: no new connections; its connections may be flushed. */
    OFF;

    /** Whether new connections may be scheduled to it. */
    public boolean serving() {
        return this == UP;
    }
}
