package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.Optional;

/**
 * What one transaction did and how long it took, for metrics ({@link CommitListener#measured}).
 *
 * @param cause why the transaction was made
 * @param transaction what was sent (empty when the changes cancelled out: nothing was sent)
 * @param changes how many calls ({@code apply}, {@code setWeight}, {@code update}...) were
 *     coalesced into it; 0 for a start-up or a repair
 * @param latency from the first of those calls until the kernel's acknowledgement (or refusal):
 *     what the slowest caller waited, queueing and planning included; for a start-up or a
 *     repair, from planning it on
 * @param transport the share of {@code latency} spent in {@link io.nftlb.core.transport.Transport#commit}:
 *     for netlink, encoding the batch, the kernel applying it, and its acknowledgement
 * @param failure why it did not apply; empty if it did
 */
public record CommitReport(Cause cause, Transaction transaction, int changes, Duration latency, Duration transport,
                           Optional<RuntimeException> failure) {

    /** Why a transaction was made. */
    public enum Cause {
        /** Brings the kernel to the farms the load balancer opened with. */
        START_UP,
        /** Carries callers' changes. */
        CHANGE,
        /** Puts back a table someone else changed (a drift check found it). */
        REPAIR
    }

    public CommitReport {
        requireNonNull(cause, "cause");
        requireNonNull(transaction, "transaction");
        requireNonNull(latency, "latency");
        requireNonNull(transport, "transport");
        requireNonNull(failure, "failure");
        if (changes < 0) {
            throw new IllegalArgumentException("changes cannot be negative: " + changes);
        }
    }

    /** How many operations the transaction carried. */
    public int operations() {
        return transaction.ops().size();
    }

    /** How many set elements its operations added or deleted. */
    public int elements() {
        int n = 0;
        for (Op op : transaction.ops()) {
            if (op instanceof Op.AddElements a) {
                n += a.elements().size();
            } else if (op instanceof Op.DeleteElements d) {
                n += d.elements().size();
            }
        }
        return n;
    }

    /** Whether the kernel applied it. */
    public boolean succeeded() {
        return failure.isEmpty();
    }

    /**
     * The kernel's error number by name ({@code ENOENT}...) if it failed; {@code UNKNOWN} for a
     * failure that was not the transport's.
     */
    public Optional<String> errno() {
        return failure.map(f -> f instanceof TransportException t ? t.errno() : "UNKNOWN");
    }

    /** The operation the kernel refused, when the failure names one. */
    public Optional<Op> failedOperation() {
        return failure.flatMap(f -> f instanceof TransportException t ? t.operation() : Optional.empty());
    }
}
