package io.nftlb.core.runtime;

import io.nftlb.core.transport.Transaction;

/**
 * Told about every transaction the load balancer sends to the kernel, in commit order, before
 * the callers' futures complete. The start-up transaction is reported on the thread that opens
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
}
