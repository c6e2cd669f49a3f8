package io.nftlb.core.runtime;

import io.nftlb.core.ast.Transaction;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The load balancer's listeners, each called in turn; one that throws is logged and skipped. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private final List<CommitListener> listeners;

    Listeners(List<CommitListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** The report's transaction was committed or refused. */
    void transaction(CommitReport report) {
        Transaction tx = report.transaction();
        each(l -> {
            if (report.failure().isEmpty()) {
                l.committed(tx);
            } else {
                l.failed(tx, report.failure().get());
            }
            l.measured(report);
        });
    }

    void checked(DriftReport report) {
        each(l -> l.checked(report));
    }

    void drifted(List<String> differences, Transaction repair) {
        each(l -> l.drifted(differences, repair));
    }

    private void each(Consumer<CommitListener> call) {
        for (CommitListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("commit listener {} threw", l, e);
            }
        }
    }
}
