package io.nftlb.core.runtime;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.plan.TableSwitch;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a transaction that replaces tables the kernel has as a {@link TableSwitch}: their
 * stand-ins first, then the transaction, then the stand-ins deleted. With no table to replace,
 * the transaction alone.
 *
 * <p>A stand-in left behind would keep scheduling with the rules of its day next to the table
 * that later changes update, so it is deleted even when the replacement failed.
 */
final class TableHandover {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private TableHandover() {}

    /**
     * Deletes the stand-ins of {@code tables} that a process killed in the middle of a switch
     * left in the kernel: one would go on scheduling new connections with its rules of the time,
     * after those of the table that later changes update. Costs a read of each (absent) stand-in.
     *
     * @throws UnsupportedOperationException if the transport cannot read tables back
     */
    static void deleteLeftovers(Reconciler reconciler, List<TableRef> tables) {
        List<TableRef> standIns = tables.stream().map(TableSwitch::standIn).toList();
        Reconciler.Snapshot kernel = reconciler.read(standIns);
        List<Op> ops = new ArrayList<>();
        for (TableRef ref : standIns) {
            if (kernel.table(ref).isPresent() || kernel.unreadable().containsKey(ref)) {
                log.warn("deleting table {}, the stand-in of a switch a stopped process did not finish", ref);
                ops.add(new Op.AddTable(ref));
                ops.add(new Op.DeleteTable(ref));
            }
        }
        if (!ops.isEmpty()) {
            reconciler.commit(Transaction.of(ops), false);
        }
    }

    /**
     * @param replaced the tables (as desired) that {@code commit} replaces while the kernel has
     *     them serving
     * @param commit commits the replacing transaction
     */
    static void commit(Reconciler reconciler, List<Table> replaced, Runnable commit) {
        if (replaced.isEmpty()) {
            commit.run();
            return;
        }
        reconciler.commit(TableSwitch.standIns(replaced), false);
        RuntimeException failure = null;
        try {
            commit.run();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                reconciler.commit(TableSwitch.retire(replaced), false);
            } catch (RuntimeException e) {
                List<String> names = replaced.stream().map(t -> t.family().keyword() + " " + t.name()).toList();
                log.error("the stand-in of table(s) {} could not be deleted after a switch; the next start "
                        + "deletes it: {}", names, e.getMessage());
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e); // the replacement's failure is the one to tell
            }
        }
    }
}
