package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.Layout;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.Transaction;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drift check: reads the table back unless nothing changed in the namespace since it was
 * last known to be ours; if someone else changed or deleted it, says so (log and listeners) and
 * puts it back in one transaction. A failed check or repair is logged and tried again at the
 * next check. Runs on the commit thread, between commits.
 */
final class DriftCheck {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final Reconciler reconciler;
    private final Listeners listeners;

    DriftCheck(Reconciler reconciler, Listeners listeners) {
        this.reconciler = reconciler;
        this.listeners = listeners;
    }

    /** @param ours the table the load balancer committed (read only when the generation moved) */
    void run(Supplier<Table> ours) {
        try {
            if (reconciler.unchanged()) {
                return;
            }
            Table table = ours.get();
            List<String> differences = reconciler.differences(table);
            if (differences.isEmpty()) {
                return;
            }
            Transaction repair = Planner.create(table);
            log.warn("table {} was changed by someone else ({}); putting it back in one transaction", Layout.TABLE,
                    String.join("; ", differences));
            listeners.drifted(differences, repair);
            try {
                reconciler.commit(repair, true);
            } catch (RuntimeException e) {
                log.warn("repairing table {} failed (tried again at the next check): {}", Layout.TABLE,
                        e.getMessage());
                listeners.transaction(repair, e);
                return;
            }
            listeners.transaction(repair, null);
        } catch (RuntimeException e) {
            log.warn("drift check of table {} failed (tried again at the next check): {}", Layout.TABLE,
                    e.toString());
        }
    }
}
