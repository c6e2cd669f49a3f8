package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.Ids;
import java.util.Set;

/**
 * A farm with what the runtime derived from it once, so that nothing is recomputed for farms
 * that do not change: its ids, its compiled part of the inet table, and the optional sets it
 * needs. A farm {@linkplain io.nftlb.core.Forwarding#servedAtIngress served at ingress} has no
 * part ({@code part} is null): it lives in the netdev table, which {@link IngressBatch} compiles.
 */
record FarmEntry(Farm farm, Ids ids, FarmPart part, Set<String> features) {

    FarmEntry {
        if (farm.forwarding().servedAtIngress() != (part == null)) {
            throw new IllegalArgumentException("farm \"" + farm.name() + "\": an inet part is for farms not served"
                    + " at ingress, and only for them");
        }
    }

    String name() {
        return farm.name();
    }

    /** Whether the farm is served in the netdev table rather than the inet table. */
    boolean atIngress() {
        return farm.forwarding().servedAtIngress();
    }
}
