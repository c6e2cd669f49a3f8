package io.nftlb.core.plan;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.internal.plan.FarmChange;
import io.nftlb.core.internal.plan.ShardRules;
import io.nftlb.core.internal.plan.Skeleton;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans the transaction that takes the kernel from the committed ruleset to the desired one.
 *
 * <p><b>From nothing</b> ({@link #create}): the whole table in one transaction that first
 * removes any stale table of the same name ({@code add table} + {@code delete table}, since
 * nft 1.0.6 has no {@code destroy}), then creates objects, chains (empty), sets with their
 * elements, and rules. Chains come before sets because dispatch-map elements jump to them.
 *
 * <p><b>Incrementally</b> ({@link #diff}): the smallest change, farm part by farm part. A
 * weight or state change is element operations on the shared maps only; a farm whose rules
 * changed is flushed and refilled; an added farm is a chain, its rules and its elements; a
 * removed farm loses its elements, then its chain. A farm whose rule is in a shard chain
 * ({@link FarmPart#inShard}) appends its rule there when it joins, and has the shard refilled
 * with the other farms' rules when it leaves or its rule changes. Optional sets that appear or disappear and
 * base chains that change are handled in the same transaction, in a fixed order of phases.
 *
 * <p><b>Cost.</b> The incremental planner inside costs in proportion to the
 * changes it is given (the farms' elements and rules) plus the skeleton (a few sets and base
 * chains): callers that know which farms they touched (the runtime) never pay for the others.
 * {@link #diff(Optional, Compiled)} has to find the changed farms itself: it looks at every
 * farm once and skips a part that is the same object (free) or equal (record equality, which
 * stops at the first difference), so only changed farms are diffed element by element. That
 * path is O(farms) by nature, as is compiling the two rulesets it is given; the runtime
 * ({@code io.nftlb.core.runtime.LoadBalancer}) uses the incremental planner directly instead: it compiles
 * only the farms a call changed, skips a farm whose new value equals the old one before
 * compiling it, and passes only the changed parts.
 *
 * <p>{@code diff(x, x)} is empty.
 */
public final class Planner {

    private Planner() {}

    /** The transaction that replaces whatever table of this name exists with {@code table}. */
    public static Transaction create(Table table) {
        return SkeletonPlanner.create(table);
    }

    /** The transaction that replaces whatever table of its name exists with the compiled one. */
    public static Transaction create(Compiled desired) {
        return create(Skeleton.of(desired).table(desired.parts().values()));
    }

    /**
     * From {@code current} (nothing: {@link #create}) to {@code desired}. Farms are matched by
     * name; see the class comment for what it costs.
     */
    public static Transaction diff(Optional<Compiled> current, Compiled desired) {
        if (current.isEmpty()) {
            return create(desired);
        }
        Compiled cur = current.get();
        Skeleton from = Skeleton.of(cur);
        Skeleton to = Skeleton.of(desired);
        if (SkeletonPlanner.incompatibility(from, to).isPresent()) {
            return create(desired);
        }
        List<FarmChange> changes = new ArrayList<>();
        for (Map.Entry<String, FarmPart> e : desired.parts().entrySet()) {
            FarmPart before = cur.parts().get(e.getKey());
            FarmPart after = e.getValue();
            if (before == null) {
                changes.add(FarmChange.added(after));
            } else if (before != after && !before.equals(after)) {
                changes.add(FarmChange.changed(before, after));
            }
        }
        for (Map.Entry<String, FarmPart> e : cur.parts().entrySet()) {
            if (!desired.parts().containsKey(e.getKey())) {
                changes.add(FarmChange.removed(e.getValue()));
            }
        }
        return SkeletonPlanner.diff(from, to, changes, ShardRules.of(desired.parts().values()));
    }
}
