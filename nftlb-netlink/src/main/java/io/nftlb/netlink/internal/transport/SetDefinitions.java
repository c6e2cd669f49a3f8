package io.nftlb.netlink.internal.transport;

import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The definitions of the sets in the kernel, as far as this transport knows them: the
 * linearizer needs the key layout of every set a rule names. Sets this transport committed are
 * remembered; others are read from the kernel once.
 */
final class SetDefinitions {

    private final Map<TableRef, Map<String, NamedSet>> known = new HashMap<>();
    private final Function<TableRef, Map<String, NamedSet>> readFromKernel;

    SetDefinitions(Function<TableRef, Map<String, NamedSet>> readFromKernel) {
        this.readFromKernel = readFromKernel;
    }

    /**
     * The set {@code name} of table {@code t}: added earlier in the same transaction
     * ({@code pending}), committed before, or in the kernel.
     *
     * @throws IllegalArgumentException if there is no such set
     */
    NamedSet definition(Map<TableRef, Map<String, NamedSet>> pending, TableRef t, String name) {
        NamedSet s = pending.getOrDefault(t, Map.of()).get(name);
        if (s == null) {
            s = known.getOrDefault(t, Map.of()).get(name);
        }
        if (s == null) {
            s = readFromKernel.apply(t).get(name);
            if (s != null) {
                known.computeIfAbsent(t, k -> new HashMap<>()).put(name, s);
            }
        }
        if (s == null) {
            throw new IllegalArgumentException("no set " + name + " in table " + t);
        }
        return s;
    }

    /** Follows a committed transaction's set and table changes. */
    void committed(List<Op> ops) {
        // In op order: "add table, delete table, add table, add set..." (replacing a table
        // atomically) must leave the new sets known, not forget them with the old table.
        for (Op op : ops) {
            switch (op) {
                case Op.AddSet a -> known.computeIfAbsent(a.table(), k -> new HashMap<>()).put(a.set().name(), a.set());
                case Op.DeleteSet d -> {
                    Map<String, NamedSet> sets = known.get(d.table());
                    if (sets != null) {
                        sets.remove(d.set());
                    }
                }
                case Op.DeleteTable d -> known.remove(d.table());
                default -> { }
            }
        }
    }
}
