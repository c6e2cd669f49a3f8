package io.nftlb.core.runtime;

import io.nftlb.core.ast.Transaction;
import java.util.List;

/**
 * Told about every transaction the load balancer sends to the kernel, in commit order, before
 * the callers' futures complete, and about changes someone else made to its table. The start-up transaction is reported on the thread that opens
 * the load balancer, the others on its commit thread: keep these methods short, and do not
 * wait in them for the load balancer (it is waiting for you). An exception thrown here is
 * logged and otherwise ignored.
 */
public interface CommitListener {

    /** The kernel applied {@code transaction} (the first one replaces the table at start-up). */
    default void committed(Transaction transaction) {}

    /**
     * {@code transaction} did not apply (usually a
     * {@link io.nftlb.core.transport.TransportException}); the kernel and the load balancer are
     * both as they were before it.
     */
    default void failed(Transaction transaction, RuntimeException error) {}

    /**
     * A drift check ({@link LoadBalancer.Builder#driftCheck}) found the library's table changed
     * or deleted by someone else. {@code repair}, which replaces the table with what the load
     * balancer committed, is committed next and reported like any transaction.
     *
     * @param differences what was found, one line per set or chain (e.g. {@code set dnat4: 1
     *     element(s) missing, 0 not ours}, {@code table inet nftlb is missing})
     */
    default void drifted(List<String> differences, Transaction repair) {}

    /**
     * The numbers of a transaction reported to {@link #committed} or {@link #failed} just
     * before: its cause, size, how many changes it carried, how long it took and how it ended
     * (what a metrics binder records).
     */
    default void measured(CommitReport report) {}

    /** A drift check ran ({@link LoadBalancer.Builder#driftCheck}), whether it found drift or not. */
    default void checked(DriftReport report) {}
}
