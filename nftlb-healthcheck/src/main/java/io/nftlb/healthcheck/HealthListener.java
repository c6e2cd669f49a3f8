package io.nftlb.healthcheck;

/** Told about every state change, as it happens (not coalesced). Must not block. */
@FunctionalInterface
public interface HealthListener {
    /** A backend changed state; called from a probe thread. */
    void stateChanged(StateChange change);
}
