package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.SchedMaps;
import io.nftlb.core.internal.plan.Skeleton;
import java.util.Collection;
import java.util.List;

/**
 * The table the compiler makes for a load balancer's farms, numbered with the load balancer's
 * ids: the skeleton from {@link RulesetCompiler} over all farms (which does not depend on ids
 * but for the scheduling maps, taken from the parts), and each farm's part from
 * {@link FarmParts} with the ids the runtime gave it.
 */
final class Expected {

    private Expected() {}

    static Table table(LoadBalancer lb, Collection<Farm> farms) {
        List<FarmPart> parts = farms.stream()
                .map(f -> FarmParts.compile(f, lb.ids(f.name()).orElseThrow(
                        () -> new AssertionError("farm " + f.name() + " is not committed"))))
                .toList();
        Skeleton skeleton = Skeleton.of(RulesetCompiler.compile(List.copyOf(farms)))
                .withSchedMaps(SchedMaps.usedBy(parts));
        return skeleton.table(parts);
    }
}
