package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.internal.plan.FarmChange;
import io.nftlb.core.internal.plan.ShardRules;
import io.nftlb.core.internal.plan.Skeleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The changes that go to the kernel in one transaction.
 *
 * @param changes the callers' changes, of farms, policies and paths alike, completed when the commit ends
 * @param farms the farms the batch changes, with what it makes of each
 * @param farmChanges the parts before and after, for the planner (farms whose part is the same object left out)
 * @param before the skeleton in the kernel
 * @param after the skeleton once committed
 * @param replacement the whole inet table, when the skeleton changes in a way that parts cannot
 *     be planned over (a set declared anew): the batch then replaces the table, beside a stand-in
 * @param ingress the netdev table's share (policies, paths, DSR and stateless dNAT farms)
 * @param shards the rules of the shard chains once committed, for the planner
 */
record Batch(List<Change> changes, Map<String, FarmUpdate> farms, List<FarmChange> farmChanges,
             Skeleton before, Skeleton after, Optional<Table> replacement, IngressBatch ingress, ShardRules shards) {}
