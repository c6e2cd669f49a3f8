package io.nftlb.core.runtime;

import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.internal.plan.ShardRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The committed farms of each shard chain, by farm id, so that the planner can refill a shard
 * from its few farms instead of looking at all of them.
 */
final class ShardMembers {

    private final Map<String, TreeMap<Integer, FarmPart>> committed = new HashMap<>();

    /** A farm's committed part changed from {@code before} to {@code after} (either may be null). */
    void committed(FarmPart before, FarmPart after) {
        if (before != null && before.inShard()) {
            TreeMap<Integer, FarmPart> members = committed.get(before.chain().name());
            members.remove(before.farmId());
            if (members.isEmpty()) {
                committed.remove(before.chain().name());
            }
        }
        if (after != null && after.inShard()) {
            committed.computeIfAbsent(after.chain().name(), k -> new TreeMap<>()).put(after.farmId(), after);
        }
    }

    /**
     * The shard rules once {@code inflight} (farm name to its new entry, empty: removed) is
     * committed. The batch's farms are indexed by shard once, so that each shard the planner asks
     * for costs its own farms, not the whole batch (a cold load has thousands of farms a batch).
     */
    ShardRules after(Map<String, FarmUpdate> inflight, Map<String, FarmEntry> committedEntries) {
        Map<String, List<FarmPart>> leaving = new HashMap<>();
        Map<String, List<FarmPart>> joining = new HashMap<>();
        inflight.forEach((name, after) -> {
            FarmEntry before = committedEntries.get(name);
            if (before != null && before.part() != null && before.part().inShard()) {
                leaving.computeIfAbsent(before.part().chain().name(), k -> new ArrayList<>()).add(before.part());
            }
            after.entry().map(FarmEntry::part).filter(FarmPart::inShard)
                    .ifPresent(p -> joining.computeIfAbsent(p.chain().name(), k -> new ArrayList<>()).add(p));
        });
        return shard -> {
            TreeMap<Integer, FarmPart> members = new TreeMap<>(committed.getOrDefault(shard, new TreeMap<>()));
            leaving.getOrDefault(shard, List.of()).forEach(p -> members.remove(p.farmId()));
            joining.getOrDefault(shard, List.of()).forEach(p -> members.put(p.farmId(), p));
            return FarmPart.flatten(members.values().stream().map(p -> p.chain().rules()).toList());
        };
    }
}
