package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.Ids;
import java.util.Set;

/**
 * A farm with what the runtime derived from it once, so that nothing is recomputed for farms
 * that do not change: its ids, its compiled part, and the optional sets it needs. A DSR or
 * stateless dNAT farm has no part in the inet table ({@code part} is null): it lives in the
 * netdev table, which {@link IngressBatch} compiles.
 */
record FarmEntry(Farm farm, Ids ids, FarmPart part, Set<String> features) {

    String name() {
        return farm.name();
    }

    /** Whether the farm is served in the netdev table rather than the inet table. */
    boolean atIngress() {
        return part == null;
    }
}
