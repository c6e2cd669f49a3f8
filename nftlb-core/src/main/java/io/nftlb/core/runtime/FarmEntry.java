package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.Ids;
import java.util.Set;

/**
 * A farm with what the runtime derived from it once, so that nothing is recomputed for farms
 * that do not change: its ids, its compiled part, and the optional sets it needs.
 */
record FarmEntry(Farm farm, Ids ids, FarmPart part, Set<String> features) {

    String name() {
        return farm.name();
    }
}
