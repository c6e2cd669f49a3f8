package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drift check: reads the tables back unless nothing changed in the namespace since they were
 * last known to be ours; if someone else changed or deleted one (the inet table, or the netdev
 * table of policies and ingress farms), says so (log and listeners) and puts back what differs
 * in one transaction, as a diff from what the kernel has. A failed check or repair is logged and tried again at the next
 * check. Runs on the commit thread, between commits.
 */
final class DriftCheck {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final Reconciler reconciler;
    private final Listeners listeners;

    DriftCheck(Reconciler reconciler, Listeners listeners) {
        this.reconciler = reconciler;
        this.listeners = listeners;
    }

    /** @param ours the tables the load balancer committed (read only when the generation moved) */
    void run(Supplier<List<Table>> ours) {
        long began = System.nanoTime();
        try {
            if (reconciler.unchanged()) {
                listeners.checked(new DriftReport(false, 0, Duration.ofNanos(System.nanoTime() - began), Optional.empty()));
                return;
            }
            List<Table> expected = ours.get();
            Reconciler.Snapshot kernel = reconciler.read(expected.stream()
                    .map(t -> new TableRef(t.family(), t.name())).toList());
            List<Reconciler.Drift> drifts = reconciler.drifts(expected, kernel);
            listeners.checked(new DriftReport(true, drifts.size(), Duration.ofNanos(System.nanoTime() - began),
                    Optional.empty()));
            if (drifts.isEmpty()) {
                return;
            }
            List<String> differences = drifts.stream().flatMap(d -> d.differences().stream()).toList();
            // A diff from what the kernel has: a deleted element, rule, chain or set is put back
            // without touching the rest, so live state and connections carry on; only a table that
            // is gone or cannot be read back is made anew.
            Reconciler.Convergence convergence = reconciler.converge(Optional.of(kernel), drifts);
            Transaction repair = Transaction.of(convergence.ops());
            String tables = drifts.stream().map(d -> d.expected().family().keyword() + " " + d.expected().name())
                    .collect(Collectors.joining(" and "));
            log.warn("{} {} changed by someone else ({}); putting {} back in one transaction",
                    drifts.size() == 1 ? "table" : "tables", tables + (drifts.size() == 1 ? " was" : " were"),
                    String.join("; ", differences), drifts.size() == 1 ? "it" : "them");
            listeners.drifted(differences, repair);
            long sent = System.nanoTime();
            try {
                reconciler.commit(repair, convergence.replaces());
            } catch (RuntimeException e) {
                log.warn("repairing table {} failed (tried again at the next check): {}", tables, e.getMessage());
                listeners.transaction(repaired(repair, began, sent, Optional.of(e)));
                return;
            }
            listeners.transaction(repaired(repair, began, sent, Optional.empty()));
        } catch (RuntimeException e) {
            log.warn("drift check of the load balancer's tables failed (tried again at the next check): {}",
                    e.toString());
            listeners.checked(new DriftReport(false, 0, Duration.ofNanos(System.nanoTime() - began), Optional.of(e)));
        }
    }

    private static CommitReport repaired(Transaction repair, long began, long sent, Optional<RuntimeException> failure) {
        long acked = System.nanoTime();
        return new CommitReport(CommitReport.Cause.REPAIR, repair, 0, Duration.ofNanos(acked - began),
                Duration.ofNanos(acked - sent), failure);
    }
}
