package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.FarmPart;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The planner's incremental half: from a {@link Skeleton} and farm parts to another, farm part
 * by farm part, in the order given by {@link Phases}. {@code io.nftlb.core.plan.Planner} is its
 * public face; the runtime calls it directly with the farms a change touched.
 */
public final class SkeletonPlanner {

    private SkeletonPlanner() {}

    /** The transaction that replaces whatever table of this name exists with {@code table}. */
    public static Transaction create(Table table) {
        TableRef ref = new TableRef(table.family(), table.name());
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.AddTable(ref));
        ops.add(new Op.DeleteTable(ref));
        ops.add(new Op.AddTable(ref));
        for (NamedObject o : table.objects()) {
            ops.add(new Op.AddObject(ref, o));
        }
        for (Flowtable f : table.flowtables()) {
            ops.add(new Op.AddFlowtable(ref, f));
        }
        for (Chain c : table.chains()) {
            ops.add(new Op.AddChain(ref, c));
        }
        for (NamedSet s : table.sets()) {
            ops.add(new Op.AddSet(ref, s));
        }
        for (Chain c : table.chains()) {
            for (Rule r : c.rules()) {
                ops.add(new Op.AddRule(ref, c.name(), r));
            }
        }
        return Transaction.of(ops);
    }

    /**
     * From the table made of {@code from} and some farm parts to the table made of {@code to}
     * and the same parts with {@code changes} applied. Costs O(changes + skeleton).
     *
     * @param changes at most one per farm; farms not named keep their parts
     * @param shards the rules of each shard chain once the changes are in; asked only for the
     *     shard chains of changed farms whose rule changed
     * @throws IllegalArgumentException if the tables differ, or a set keeps its name but changes
     *     its declaration (its elements would all have to be re-added, which needs every farm:
     *     use {@link #create} then), or a farm is named twice
     */
    public static Transaction diff(Skeleton from, Skeleton to, Collection<FarmChange> changes, ShardRules shards) {
        incompatibility(from, to).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        Phases phases = new Phases(to.table());
        // The skeleton rarely changes; the runtime passes the same object then, which costs nothing to compare.
        boolean sameSkeleton = from == to;
        Set<String> oldBaseChains = Set.of();
        if (!sameSkeleton) {
            Set<NamedObject> before = new HashSet<>(from.objects());
            to.objects().stream().filter(o -> !before.contains(o)).forEach(phases::addObject);
            Set<NamedObject> after = new HashSet<>(to.objects());
            from.objects().stream().filter(o -> !after.contains(o)).forEach(phases::deleteObject);
            phases.flowtables(FlowtableDiff.additions(to.table(), from.flowtables(), to.flowtables()),
                    FlowtableDiff.removals(to.table(), from.flowtables(), to.flowtables()));
            for (NamedSet s : to.sets()) {
                if (!from.declares(s.name())) {
                    phases.addSet(s);
                }
            }
            oldBaseChains = baseChains(from, to, phases);
        }
        Set<String> seen = new HashSet<>();
        Map<String, ShardChange> shardChanges = new LinkedHashMap<>();
        for (FarmChange c : changes) {
            if (!seen.add(c.farm())) {
                throw new IllegalArgumentException("farm \"" + c.farm() + "\" is changed twice in one plan");
            }
            farm(c, to, phases, shardChanges);
        }
        shardChanges.forEach((shard, change) -> change.plan(shard, shards.of(shard), phases));
        // After the farm chains: a removed farm chain may jump to a lookup chain that goes too.
        oldBaseChains.forEach(phases::deleteChain);
        if (!sameSkeleton) {
            for (NamedSet s : from.sets()) {
                if (!to.declares(s.name())) {
                    phases.deleteSet(s.name());
                }
            }
        }
        return phases.build(to::position);
    }

    /** Adds, replaces or refills the base chains of {@code to}; returns those of {@code from} that go. */
    private static Set<String> baseChains(Skeleton from, Skeleton to, Phases phases) {
        Map<String, Chain> before = new LinkedHashMap<>();
        from.baseChains().forEach(c -> before.put(c.name(), c));
        for (Chain c : to.baseChains()) {
            Chain old = before.remove(c.name());
            if (old == null) {
                phases.addChain(c);
            } else if (!old.hook().equals(c.hook())) {
                phases.replace(c);
            } else if (!old.rules().equals(c.rules())) {
                phases.refill(c);
            }
        }
        return before.keySet();
    }

    private static void farm(FarmChange c, Skeleton to, Phases phases,
            Map<String, ShardChange> shardChanges) {
        FarmPart before = c.before().orElse(null);
        FarmPart after = c.after().orElse(null);
        if (before == after) {
            return;
        }
        if (after != null) {
            for (String set : after.elements().keySet()) {
                if (!to.declares(set)) {
                    throw new IllegalArgumentException("farm \"" + c.farm() + "\" has elements of set " + set
                            + ", which the desired table does not declare");
                }
            }
        }
        // Elements: per set the farm has elements of, before or after. Those of a set that goes
        // away go with it (deleting the set deletes them).
        Set<String> sets = new HashSet<>();
        if (before != null) {
            sets.addAll(before.elements().keySet());
        }
        if (after != null) {
            sets.addAll(after.elements().keySet());
        }
        for (String set : sets) {
            if (!to.declares(set)) {
                // The set goes at the end of the transaction and its elements with it, but elements
                // that jump to a chain must go first: the chain may be deleted before the set is.
                if (before != null) {
                    before.elements(set).stream()
                            .filter(e -> e.data().filter(d -> d instanceof Expr.VerdictValue).isPresent())
                            .forEach(e -> phases.deleteElement(set, e));
                }
                continue;
            }
            List<Element> old = before == null ? List.of() : before.elements(set);
            List<Element> now = after == null ? List.of() : after.elements(set);
            ElementDiff.between(old, now, e -> phases.deleteElement(set, e), e -> phases.addElement(set, e));
        }
        if ((before != null && before.inShard()) || (after != null && after.inShard())) {
            if (before != null && after != null && before.chain().equals(after.chain())) {
                return; // the same rule in the same shard
            }
            if (before != null) {
                if (before.inShard()) {
                    shardChanges.computeIfAbsent(before.chain().name(), k -> new ShardChange()).removed
                            += before.chain().rules().size();
                } else {
                    phases.deleteChain(before.chain().name());
                }
            }
            if (after != null) {
                if (after.inShard()) {
                    shardChanges.computeIfAbsent(after.chain().name(), k -> new ShardChange()).added
                            .put(after.farmId(), after.chain().rules());
                } else {
                    phases.addChain(after.chain());
                }
            }
            return;
        }
        // The chain: the farm's chain name follows from its name, so it is the same before and after.
        if (before == null) {
            phases.addChain(after.chain());
        } else if (after == null) {
            phases.deleteChain(before.chain().name());
        } else if (!before.chain().name().equals(after.chain().name())) {
            phases.deleteChain(before.chain().name());
            phases.addChain(after.chain());
        } else if (!before.chain().rules().equals(after.chain().rules())) {
            phases.refill(after.chain());
        }
    }

    /**
     * What the farms of one transaction do to one shard chain. A rule that changes counts as
     * removed and added. Only additions, of farms whose ids are above those already there (the
     * shard's rules are in order of farm id, and new farms usually get new ids): the new rules
     * are appended. A farm leaving: the shard is refilled with what remains, or
     * deleted once empty, since a rule cannot be named without the handle the kernel gave it.
     */
    private static final class ShardChange {
        int removed;
        /** Farm id to its rules. */
        final TreeMap<Integer, List<Rule>> added = new TreeMap<>();

        void plan(String shard, List<Rule> after, Phases phases) {
            List<Rule> addedRules = FarmPart.flatten(added.values());
            int before = after.size() - addedRules.size() + removed;
            if (before < 0) {
                throw new IllegalArgumentException("shard chain " + shard + " is given " + after.size()
                        + " rules after the change, fewer than the " + addedRules.size() + " it gains");
            }
            if (after.isEmpty()) {
                if (before > 0) {
                    phases.deleteChain(shard);
                }
            } else if (before == 0) {
                phases.addChain(Chain.regular(shard, after));
            } else if (removed == 0 && after.subList(before, after.size()).equals(addedRules)) {
                phases.appendRules(shard, addedRules);
            } else {
                phases.refill(Chain.regular(shard, after));
            }
        }
    }

    /** Why {@code to} cannot be reached from {@code from} incrementally, if it cannot. */
    public static Optional<String> incompatibility(Skeleton from, Skeleton to) {
        if (from == to) {
            return Optional.empty();
        }
        if (!from.table().equals(to.table())) {
            return Optional.of("cannot plan from table " + from.table() + " to table " + to.table());
        }
        Optional<String> flowtables = FlowtableDiff.incompatibility(from.flowtables(), to.flowtables());
        if (flowtables.isPresent()) {
            return Optional.of(flowtables.get() + " in table " + to.table() + "; plan the whole table with create()");
        }
        for (NamedSet s : to.sets()) {
            NamedSet old = from.set(s.name()).orElse(null);
            if (old != null && !old.equals(s)) {
                return Optional.of("set " + s.name() + " of table " + to.table()
                        + " changes its declaration; plan the whole table with create()");
            }
        }
        return Optional.empty();
    }
}
