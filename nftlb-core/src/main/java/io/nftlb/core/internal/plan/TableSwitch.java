package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces tables that cannot be joined by a diff (declared differently, unreadable) without a
 * moment in which a serving service has no backend, in three transactions instead of one:
 *
 * <ol>
 *   <li>{@link #standIns}: each desired table, complete, under another name (its
 *       {@linkplain #standIn(TableRef) stand-in}), next to the table it replaces. Both serve.
 *   <li>the replacement itself ({@link SkeletonPlanner#create}), while the stand-in serves.
 *   <li>{@link #retire}: the stand-ins deleted, once the replacement serves.
 * </ol>
 *
 * <p>Why the replacement alone loses connections, and why a stand-in does not, from the kernel:
 * a table created in a transaction has its base chains hooked before the commit but their rules
 * only at the generation switch, and some of its sets publish their lookup data after it; so
 * for a moment its prerouting chain may leave a new connection's {@code ct mark} at 0, or its
 * nat chain miss the mark, and a SYN that leaves the nat hook untranslated is refused by the
 * balancer itself. With a complete table already serving at the same hooks, none of that shows:
 * filter chains all run (the stand-in's prerouting sets the mark when the new table's did not),
 * and nat chains run in order until one translates ({@code nf_nat_inet_fn}), so a nat chain that
 * misses lets the next table's translate. Chains of equal priority run newest first
 * ({@code nf_hook_entries_grow}), so the new table's chains run before the stand-in's, and the
 * stand-in's before the old table's.
 *
 * <p>The condition: while two tables serve side by side, a new connection can be scheduled by
 * one table's prerouting chain (the last one to set {@code ct mark}) and translated by the other's
 * nat chain, so a mark must mean the same backend in both. The stand-in and the new table are the
 * same content; the old table's marks are those the library recovers from it
 * ({@code BackendIdentity}), so they agree unless they could not be recovered (a table without
 * the backends' comments), which is the limit of this switch. Dynamic sets (persistence,
 * learnt entries) start empty in the new table: a client's persistence is forgotten once, its
 * open connections are not.
 */
public final class TableSwitch {

    /** Appended to a table's name to name its stand-in. */
    public static final String STAND_IN_SUFFIX = "-handover";

    private TableSwitch() {}

    /** The stand-in of the table {@code ref}: same family, the name followed by {@value #STAND_IN_SUFFIX}. */
    public static TableRef standIn(TableRef ref) {
        return new TableRef(ref.family(), ref.name() + STAND_IN_SUFFIX);
    }

    /**
     * The first transaction: each table, complete with its elements, under its stand-in's name.
     * A stand-in a killed process left behind is replaced, not joined.
     */
    public static Transaction standIns(List<Table> desired) {
        List<Op> ops = new ArrayList<>();
        for (Table t : desired) {
            TableRef ref = standIn(new TableRef(t.family(), t.name()));
            ops.addAll(SkeletonPlanner.create(new Table(t.family(), ref.name(), t.sets(), t.objects(),
                    t.flowtables(), t.chains())).ops());
        }
        return Transaction.of(ops);
    }

    /** The last transaction: the stand-ins of {@code desired} deleted (those already gone too: no error). */
    public static Transaction retire(List<Table> desired) {
        List<Op> ops = new ArrayList<>();
        for (Table t : desired) {
            TableRef ref = standIn(new TableRef(t.family(), t.name()));
            ops.add(new Op.AddTable(ref));
            ops.add(new Op.DeleteTable(ref));
        }
        return Transaction.of(ops);
    }
}
