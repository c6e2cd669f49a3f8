package io.nftlb.core.compile;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.internal.compile.Layout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one farm contributes to the ruleset: its chain, and its elements of the shared maps
 * (set name to elements). The planner diffs farms part by part, so a change to one farm costs
 * in proportion to that farm, not to the whole ruleset.
 *
 * <p>The chain is either the farm's own, or a shard chain ({@link Layout#SHARDS}) holding only
 * this farm's one rule: in the table, the shard chain holds the rules of all its farms, in
 * order of farm id ({@link #chains}).
 *
 * @param farmId the farm's data-path id, which orders the rules of a shard chain
 */
public record FarmPart(String farm, int farmId, Chain chain, Map<String, List<Element>> elements) {

    public FarmPart {
        // Immutable copies, sized to fit: a runtime keeps every farm's part (10,000 and more).
        Map<String, List<Element>> copy = new java.util.HashMap<>();
        elements.forEach((set, list) -> copy.put(set, List.copyOf(list)));
        elements = Map.copyOf(copy);
    }

    /** Whether the farm's rule is in a shard chain shared with other farms (not a chain of its own). */
    public boolean inShard() {
        return Layout.isShardChain(chain.name());
    }

    /**
     * The farm chains of a table holding these parts, in their order: a farm's own chain as it
     * is, and each shard chain once, where its first farm is, with its farms' rules in order of
     * farm id. That order depends only on which farms there are, so a table built from parts
     * in any order, and the planner's refills and appends, agree.
     */
    public static List<Chain> chains(Collection<FarmPart> parts) {
        List<Chain> chains = new ArrayList<>();
        Map<String, Integer> shardAt = new HashMap<>(); // a shard chain's index in chains
        Map<String, TreeMap<Integer, List<Rule>>> shardRules = new HashMap<>();
        for (FarmPart p : parts) {
            if (!p.inShard()) {
                chains.add(p.chain());
                continue;
            }
            String shard = p.chain().name();
            if (shardAt.putIfAbsent(shard, chains.size()) == null) {
                chains.add(null); // filled below, once all its farms are known
            }
            shardRules.computeIfAbsent(shard, k -> new TreeMap<>()).put(p.farmId(), p.chain().rules());
        }
        shardAt.forEach((shard, at) -> chains.set(at, Chain.regular(shard, flatten(shardRules.get(shard).values()))));
        return chains;
    }

    /** The rules of several farms, one after the other. */
    public static List<Rule> flatten(Collection<List<Rule>> rulesOfFarms) {
        List<Rule> all = new ArrayList<>();
        rulesOfFarms.forEach(all::addAll);
        return all;
    }

    /** This farm's elements of one set (empty if it has none there). */
    public List<Element> elements(String set) {
        return elements.getOrDefault(set, List.of());
    }
}
