package io.nftlb.healthcheck;

/** Told about every state change, as it happens (not coalesced). Must not block. */
@FunctionalInterface
public interface HealthListener {
    void stateChanged(StateChange change);
}
