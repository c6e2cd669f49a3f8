package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Collects the operations of an incremental transaction by phase and emits them in an order
 * the kernel accepts, whatever order the farms were visited in:
 *
 * <ol>
 *   <li>new objects (conntrack helpers, flowtables and their new devices) and sets, before any
 *       rule or element uses them;
 *   <li>new chains (empty), before the dispatch elements that jump to them;
 *   <li>element deletions, before additions, so that a key whose data changed, or an interval
 *       that moves over another one, is free when it is added again;
 *   <li>chains whose rules changed: flushed and refilled (they may now use the new sets);
 *   <li>element additions;
 *   <li>removed chains, flushed and deleted once no dispatch element jumps to them;
 *   <li>removed sets, then removed objects, once no rule uses them (rules were flushed in phases 4 and 6).
 * </ol>
 *
 * Elements are grouped into one delete and one add operation per set.
 */
final class Phases {

    private final TableRef table;
    private final List<Op> newObjects = new ArrayList<>();
    private final List<Op> oldObjects = new ArrayList<>();
    private final List<Op> newSets = new ArrayList<>();
    private final List<Op> newChains = new ArrayList<>();
    private final List<Op> rules = new ArrayList<>();
    private final List<Op> oldChains = new ArrayList<>();
    private final List<Op> oldSets = new ArrayList<>();
    private final Map<String, List<Element>> deletes = new HashMap<>();
    private final Map<String, List<Element>> adds = new HashMap<>();

    Phases(TableRef table) {
        this.table = table;
    }

    /** An object (a conntrack helper) that rules may name: created first, deleted last. */
    void addObject(NamedObject object) {
        newObjects.add(new Op.AddObject(table, object));
    }

    void deleteObject(NamedObject object) {
        oldObjects.add(new Op.DeleteObject(table, object));
    }

    /** Flowtable operations ({@link FlowtableDiff}): additions with the new objects, removals with the old. */
    void flowtables(List<Op> additions, List<Op> removals) {
        newObjects.addAll(additions);
        oldObjects.addAll(removals);
    }

    void addSet(NamedSet set) {
        newSets.add(new Op.AddSet(table, set));
    }

    void deleteSet(String set) {
        oldSets.add(new Op.DeleteSet(table, set));
    }

    /** A chain that did not exist: created empty, then filled with its rules. */
    void addChain(Chain chain) {
        newChains.add(new Op.AddChain(table, chain));
        appendRules(chain);
    }

    /** A chain whose rules changed: flushed and filled again. */
    void refill(Chain chain) {
        rules.add(new Op.FlushChain(table, chain.name()));
        appendRules(chain);
    }

    /** A base chain attached differently (another hook or priority): replaced in the rule phase. */
    void replace(Chain chain) {
        rules.add(new Op.FlushChain(table, chain.name()));
        rules.add(new Op.DeleteChain(table, chain.name()));
        rules.add(new Op.AddChain(table, chain));
        appendRules(chain);
    }

    /** Rules added at the end of a chain that exists, whatever else it holds (a shard chain's new farms). */
    void appendRules(String chain, List<Rule> added) {
        for (Rule r : added) {
            rules.add(new Op.AddRule(table, chain, r));
        }
    }

    void deleteChain(String chain) {
        oldChains.add(new Op.FlushChain(table, chain));
        oldChains.add(new Op.DeleteChain(table, chain));
    }

    void deleteElement(String set, Element element) {
        deletes.computeIfAbsent(set, k -> new ArrayList<>()).add(element);
    }

    void addElement(String set, Element element) {
        adds.computeIfAbsent(set, k -> new ArrayList<>()).add(element);
    }

    private void appendRules(Chain chain) {
        for (Rule r : chain.rules()) {
            rules.add(new Op.AddRule(table, chain.name(), r));
        }
    }

    /**
     * The transaction, with element operations in table order of their sets ({@code position}
     * of a set name; negative for a set the table no longer declares, whose deletions come
     * after the others, by name).
     */
    Transaction build(ToIntFunction<String> position) {
        List<Op> ops = new ArrayList<>(newObjects);
        ops.addAll(newSets);
        ops.addAll(newChains);
        for (String set : inTableOrder(deletes.keySet(), position)) {
            ops.add(new Op.DeleteElements(table, set, deletes.get(set)));
        }
        ops.addAll(rules);
        for (String set : inTableOrder(adds.keySet(), position)) {
            if (position.applyAsInt(set) >= 0) {
                ops.add(new Op.AddElements(table, set, adds.get(set)));
            }
        }
        ops.addAll(oldChains);
        ops.addAll(oldSets);
        ops.addAll(oldObjects);
        return Transaction.of(ops);
    }

    /** Only the sets this transaction touches are sorted: a change touches a few of the table's hundreds. */
    private static List<String> inTableOrder(Set<String> sets, ToIntFunction<String> position) {
        List<String> sorted = new ArrayList<>(sets);
        sorted.sort(Comparator.comparingInt((String s) -> {
            int p = position.applyAsInt(s);
            return p < 0 ? Integer.MAX_VALUE : p;
        }).thenComparing(Comparator.naturalOrder()));
        return sorted;
    }
}
