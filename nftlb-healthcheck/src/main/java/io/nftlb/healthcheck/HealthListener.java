package io.nftlb.healthcheck;

/**
 * Told about every state change, as it happens (not coalesced), and about every probe result.
 * Called from probe threads; must not block. An exception thrown here is logged and ignored.
 */
@FunctionalInterface
public interface HealthListener {
    /** A backend changed state; called from a probe thread. */
    void stateChanged(StateChange change);

    /**
     * A probe ended (after {@link #stateChanged} if it tipped the backend over): its result and
     * latency, and the backend's health after it. Called for every probe, so keep it cheap.
     */
    default void probed(Probe probe) {}
}
