package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.mark;
import static io.nftlb.core.compile.Nodes.slot;

import io.nftlb.core.Backend;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.internal.compile.Layout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a Maglev farm's table lives in the data path, and its elements.
 *
 * <p>Maglev farms do not use the {@code sched} map: their tables hold up to 65,537 slots per
 * IP version, more than the 10,000-slot slices of {@code sched}, and placing them in a high
 * range of {@code sched} would tie the ranges of the two kinds of farm ids together. They use
 * two maps of their own, {@link #MAP4 maglev4} and {@link #MAP6 maglev6}, declared
 * only when some farm uses Maglev (so rulesets without Maglev are unchanged). Keys are 32-bit
 * slot numbers typed {@code ct mark}, as {@code sched}'s; a farm's slice starts at
 * {@code farmId * 65,537} (its id from {@link Allocation}), whatever its table size, so farm
 * ids 0..65,534 fit in 32 bits.
 *
 * <p>The farm's rule is {@code ct mark set jhash <fields> mod <size> seed <seed> offset <base>
 * jump lookup-maglev}, whose rules look the slot up in {@code maglev4} or {@code maglev6}
 * ({@link Lookups}: one rule per map, whatever the number of farms). The table is realized as one element {@code slot : mark} per slot in a plain
 * (hash) map: a change of backends replaces only the slots Maglev moves ({@link #diff}), in
 * one transaction. Not intervals, although merging runs of one backend was the first plan:
 * runs are short (a slot's neighbour has the same backend with probability about 1/N, so
 * 20 backends still need about 62,000 intervals for 65,537 slots), and nft 1.0.6 deletes
 * elements of a large interval map slowly in user space (measured: deleting 3,789 of 62,000
 * intervals did not finish in 60 s), while 700 slot updates of the hash map take 26 ms.
 */
final class MaglevSlots {

    /** The IPv4 table of every Maglev farm. */
    static final String MAP4 = Layout.MAGLEV4;
    /** The IPv6 table of every Maglev farm. */
    static final String MAP6 = Layout.MAGLEV6;
    /** The largest farm id whose slice fits in 32-bit keys. */
    static final int MAX_FARM_ID = (int) (0xffff_ffffL / Scheduler.Maglev.MAX_TABLE_SIZE) - 1;

    private MaglevSlots() {}

    static String map(boolean v6) {
        return v6 ? MAP6 : MAP4;
    }

    /** The first key of a farm's slice. */
    static long base(int farmId) {
        if (farmId < 0 || farmId > MAX_FARM_ID) {
            throw new UnsupportedFeatureException("farm id " + farmId + " is beyond " + MAX_FARM_ID
                    + ", the last one a maglev table can be placed at");
        }
        return (long) farmId * Scheduler.Maglev.MAX_TABLE_SIZE;
    }

    /** The selector of the farm's rule: the flow's slot in its slice. */
    static Expr selector(Scheduler.Maglev m, Expr hashInput, int farmId) {
        return new Expr.Jhash(hashInput, m.tableSize(), m.seed(), base(farmId));
    }

    /**
     * The elements of one farm's table for one IP version.
     *
     * @param serving the backends that take new connections, all with weight > 0
     */
    static List<Element> elements(Scheduler.Maglev m, List<Backend> serving, Ids ids) {
        if (serving.isEmpty()) {
            return List.of();
        }
        int[] table = MaglevTable.build(serving.stream().map(Backend::name).toList(),
                serving.stream().map(Backend::weight).toList(), m.tableSize(), m.fill());
        long[] marks = serving.stream().mapToLong(b -> ids.mark(b.name())).toArray();
        return slots(table, marks, base(ids.farmId()));
    }

    /** One {@code slot : mark} element per slot (see the class comment for why not intervals). */
    static List<Element> slots(int[] table, long[] marks, long base) {
        List<Element> out = new ArrayList<>(table.length);
        for (int s = 0; s < table.length; s++) {
            out.add(Element.of(slot(base + s), mark(marks[table[s]])));
        }
        return out;
    }

    /**
     * The element updates from one table to another: what to delete and what to add, in one
     * transaction. Intervals present in both, unchanged, are left alone.
     */
    static Diff diff(List<Element> before, List<Element> after) {
        Set<Element> old = new LinkedHashSet<>(before);
        Set<Element> now = new LinkedHashSet<>(after);
        List<Element> deleted = before.stream().filter(e -> !now.contains(e)).toList();
        List<Element> added = after.stream().filter(e -> !old.contains(e)).toList();
        return new Diff(deleted, added);
    }

    /** Elements to delete and to add. */
    record Diff(List<Element> deleted, List<Element> added) {
        int size() {
            return deleted.size() + added.size();
        }

        /** The update of {@code map} as one transaction: deletions first, as nft 1.0.6 has no element replace. */
        io.nftlb.core.ast.Transaction transaction(String map) {
            List<io.nftlb.core.ast.Op> ops = new ArrayList<>();
            if (!deleted.isEmpty()) {
                ops.add(new io.nftlb.core.ast.Op.DeleteElements(Layout.TABLE, map, deleted));
            }
            if (!added.isEmpty()) {
                ops.add(new io.nftlb.core.ast.Op.AddElements(Layout.TABLE, map, added));
            }
            return io.nftlb.core.ast.Transaction.of(ops);
        }
    }
}
