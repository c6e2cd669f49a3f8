package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.compile.FarmPart;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules a shard chain holds once a transaction is in: those of the farms in it, in farm
 * order (see {@code Layout.SHARDS}). The planner asks only for shards that a change touches and
 * cannot simply append to, so a caller that keeps many farms answers from an index of each
 * shard's farms, in time proportional to that shard.
 */
@FunctionalInterface
public interface ShardRules {

    /** The rules of this shard chain after the transaction (empty if no farm is left in it). */
    List<Rule> of(String shard);

    /** The shard chains of a table made of these parts, in their order. */
    static ShardRules of(Collection<FarmPart> parts) {
        Map<String, List<Rule>> shards = new HashMap<>();
        for (Chain c : FarmPart.chains(parts)) {
            shards.put(c.name(), c.rules());
        }
        return shard -> shards.getOrDefault(shard, List.of());
    }
}
