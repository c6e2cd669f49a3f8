package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plans a small table as a whole (the netdev ingress table). When only set elements differ the
 * transaction is element operations only, so rules (and the packets they see) are untouched.
 * When chains or sets come and go, or a chain's rules change, only those change (sets added
 * with their elements, chains flushed and refilled, chains and sets that are gone deleted last):
 * the elements of everything else, a policy's networks or a learnt map, stay as they are. A
 * set whose declaration changes, a chain whose hook changes, a change of objects, or a
 * flowtable whose priority or flags change (its devices are diffed: {@link FlowtableDiff})
 * replaces the table atomically with {@link SkeletonPlanner#create(Table)}.
 */
public final class TablePlanner {

    private TablePlanner() {}

    /** From {@code current} (nothing, or the table the kernel has) to {@code desired}. */
    public static Transaction diff(Optional<Table> current, Table desired) {
        if (current.isEmpty() || !compatible(current.get(), desired)) {
            return SkeletonPlanner.create(desired);
        }
        return diff(current.get(), desired, desired);
    }

    /**
     * From the table the kernel has, as read back, to {@code desired}, without replacing the
     * table: a control plane that starts where another left off commits only what differs, so
     * that unchanged rules and elements (round-robin positions, learnt persistence entries) stay
     * and no packet meets a half-built table. Rules are compared in their read form
     * ({@code desiredAsRead}, see {@link io.nftlb.core.transport.Transport#readForm}), since
     * that is how the kernel's are decoded; elements of dynamic sets (filled by the data path)
     * are left as they are.
     *
     * @return empty if the two cannot be joined by a diff (a set declared differently, a chain
     *     hooked differently, other objects, a flowtable of another priority): the table must
     *     then be replaced
     */
    public static Optional<Transaction> converge(Table kernel, Table desired, Table desiredAsRead) {
        if (!compatible(kernel, desired)) {
            return Optional.empty();
        }
        return Optional.of(diff(kernel, desired, desiredAsRead));
    }

    private static Transaction diff(Table cur, Table desired, Table desiredAsRead) {
        Map<String, Chain> chainsAsRead = desiredAsRead == desired ? Map.of() : byName(desiredAsRead.chains(), Chain::name);
        TableRef ref = new TableRef(desired.family(), desired.name());
        Map<String, NamedSet> setsBefore = byName(cur.sets(), NamedSet::name);
        Map<String, NamedSet> setsAfter = byName(desired.sets(), NamedSet::name);
        Map<String, Chain> chainsBefore = byName(cur.chains(), Chain::name);
        Map<String, Chain> chainsAfter = byName(desired.chains(), Chain::name);

        List<Op> newChains = new ArrayList<>();
        List<Op> newSets = new ArrayList<>();
        List<Op> flushes = new ArrayList<>();
        List<Op> deletes = new ArrayList<>();
        List<Op> adds = new ArrayList<>();
        List<Op> rules = new ArrayList<>();
        List<Op> gone = new ArrayList<>();
        for (Chain c : desired.chains()) {
            Chain before = chainsBefore.get(c.name());
            if (before == null) {
                newChains.add(new Op.AddChain(ref, c)); // the chain alone: its rules come after the sets they use
            } else if (!before.rules().equals(chainsAsRead.getOrDefault(c.name(), c).rules())) {
                flushes.add(new Op.FlushChain(ref, c.name()));
            } else {
                continue;
            }
            for (Rule r : c.rules()) {
                rules.add(new Op.AddRule(ref, c.name(), r));
            }
        }
        for (NamedSet s : desired.sets()) {
            NamedSet before = setsBefore.get(s.name());
            if (before == null) {
                newSets.add(new Op.AddSet(ref, s));
                continue;
            }
            if (s.flags().contains(NamedSet.SetFlag.DYNAMIC)) {
                continue; // the data path's own entries (persistence, learnt MACs): kept
            }
            // Deletions first: an interval set refuses a new block that overlaps one still there.
            List<Element> removed = new ArrayList<>();
            List<Element> added = new ArrayList<>();
            ElementDiff.between(before.elements(), s.elements(), removed::add, added::add);
            if (!removed.isEmpty()) {
                deletes.add(new Op.DeleteElements(ref, s.name(), removed));
            }
            if (!added.isEmpty()) {
                adds.add(new Op.AddElements(ref, s.name(), added));
            }
        }
        // Gone sets, then gone chains: a gone verdict map may still jump to a gone chain (the
        // last DSR farm of a device takes its dispatch maps with it), and the kernel refuses to
        // delete a chain something jumps to. Gone chains were emptied first, so no rule uses a gone set.
        for (NamedSet s : cur.sets()) {
            if (!setsAfter.containsKey(s.name())) {
                gone.add(new Op.DeleteSet(ref, s.name()));
            }
        }
        for (Chain c : cur.chains()) {
            if (!chainsAfter.containsKey(c.name())) {
                flushes.add(new Op.FlushChain(ref, c.name()));
                gone.add(new Op.DeleteChain(ref, c.name()));
            }
        }
        List<Op> ops = new ArrayList<>(FlowtableDiff.additions(ref, cur.flowtables(), desired.flowtables()));
        ops.addAll(newChains); // new sets' elements may jump to new chains
        ops.addAll(newSets);
        ops.addAll(flushes);
        ops.addAll(deletes);
        ops.addAll(adds);
        ops.addAll(rules);
        ops.addAll(gone);
        ops.addAll(FlowtableDiff.removals(ref, cur.flowtables(), desired.flowtables()));
        return Transaction.of(ops);
    }

    /** Whether {@link #diff} can go from {@code a} to {@code b} without replacing the table. */
    private static boolean compatible(Table a, Table b) {
        if (a.family() != b.family() || !a.name().equals(b.name()) || !a.objects().equals(b.objects())
                || FlowtableDiff.incompatibility(a.flowtables(), b.flowtables()).isPresent()) {
            return false;
        }
        Map<String, NamedSet> sets = byName(a.sets(), NamedSet::name);
        for (NamedSet s : b.sets()) {
            NamedSet before = sets.get(s.name());
            if (before != null && !before.withElements(List.of()).equals(s.withElements(List.of()))) {
                return false;
            }
        }
        Map<String, Chain> chains = byName(a.chains(), Chain::name);
        for (Chain c : b.chains()) {
            Chain before = chains.get(c.name());
            if (before != null && !before.hook().equals(c.hook())) {
                return false;
            }
        }
        return true;
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity(), (x, y) -> x, LinkedHashMap::new));
    }
}
