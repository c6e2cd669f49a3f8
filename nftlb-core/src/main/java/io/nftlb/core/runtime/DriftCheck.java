package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.TransportException;
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
 * check. Runs on the commit thread, between commits, and when a commit finds an object of ours missing.
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
            repair(ours, began);
        } catch (RuntimeException e) {
            log.warn("drift check of the load balancer's tables failed (tried again at the next check): {}",
                    e.toString());
            listeners.checked(new DriftReport(false, 0, Duration.ofNanos(System.nanoTime() - began), Optional.of(e)));
        }
    }

    /**
     * Commits {@code tx}. If the kernel refuses it because an object it names is missing (ENOENT:
     * someone deleted part of our tables since the last commit), the tables are checked at once
     * and put back as the last commit left them ({@code ours}, the state {@code tx} was planned
     * from), and {@code tx} is committed once more: the change succeeds rather than waiting for
     * the next periodic check, or failing when periodic checks are off. Without drift (an ENOENT
     * of another cause, such as a device that does not exist) the refusal stands.
     */
    void commitRepairing(Transaction tx, Supplier<List<Table>> ours) {
        try {
            reconciler.commit(tx, false);
        } catch (TransportException e) {
            if (!"ENOENT".equals(e.errno()) || !repairAfterRefusal(ours)) {
                throw e;
            }
            log.info("a commit found part of the load balancer's tables missing ({}); put back, committing again",
                    e.getMessage());
            reconciler.commit(tx, false);
        }
    }

    private boolean repairAfterRefusal(Supplier<List<Table>> ours) {
        try {
            return repair(ours, System.nanoTime());
        } catch (UnsupportedOperationException e) {
            return false; // the transport cannot read tables back
        } catch (RuntimeException e) {
            log.warn("drift check after a refused commit failed: {}", e.toString());
            return false;
        }
    }

    /**
     * Reads the tables back now and puts back what differs from {@code ours}.
     *
     * @return whether something differed and was put back
     * @throws RuntimeException if the tables could not be read back or compared
     */
    boolean repair(Supplier<List<Table>> ours, long began) {
        List<Table> expected = ours.get();
        Reconciler.Snapshot kernel = reconciler.read(expected.stream()
                .map(t -> new TableRef(t.family(), t.name())).toList());
        List<Reconciler.Drift> drifts = reconciler.drifts(expected, kernel);
        listeners.checked(new DriftReport(true, drifts.size(), Duration.ofNanos(System.nanoTime() - began),
                Optional.empty()));
        if (drifts.isEmpty()) {
            return false;
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
            TableHandover.commit(reconciler, convergence.switched(),
                    () -> reconciler.commit(repair, convergence.replaces()));
        } catch (RuntimeException e) {
            log.warn("repairing table {} failed (tried again at the next check): {}", tables, e.getMessage());
            listeners.transaction(repaired(repair, began, sent, Optional.of(e)));
            return false;
        }
        listeners.transaction(repaired(repair, began, sent, Optional.empty()));
        return true;
    }

    private static CommitReport repaired(Transaction repair, long began, long sent, Optional<RuntimeException> failure) {
        long acked = System.nanoTime();
        return new CommitReport(CommitReport.Cause.REPAIR, repair, 0, Duration.ofNanos(acked - began),
                Duration.ofNanos(acked - sent), failure);
    }
}
