package io.nftlb.healthcheck.internal;

import java.util.Objects;

/** One backend of one farm: the monitor's key for pending and delivered states. */
public record BackendKey(String farm, String backend) {

    public BackendKey {
        Objects.requireNonNull(farm, "farm == null");
        Objects.requireNonNull(backend, "backend == null");
    }

    @Override
    public String toString() {
        return farm + "/" + backend;
    }
}
