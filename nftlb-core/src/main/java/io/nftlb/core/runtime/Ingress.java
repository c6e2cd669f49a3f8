package io.nftlb.core.runtime;

import java.util.List;
import java.util.function.Supplier;

/**
 * The runtime's policies and paths: what the kernel has ({@code committed}) and what callers
 * asked for ({@code desired}, which already includes the edits queued and under way). Their
 * edits travel in the same queue and batches as the farms' ({@link State}); this keeps only what
 * is the netdev table's own.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class Ingress {

    private IngressWanted committed = IngressWanted.NONE;
    private IngressWanted desired = IngressWanted.NONE;
    private boolean pending; // an edit of the policies or paths is queued
    private boolean inflight; // the commit under way carries one
    private boolean table; // whether the kernel has the netdev table (the load balancer made it)

    IngressWanted desired() {
        return desired;
    }

    IngressWanted committed() {
        return committed;
    }

    /** Whether the kernel has the netdev table (the load balancer made it, and keeps it). */
    boolean hasTable() {
        return table;
    }

    /** Whether policies exist or are coming: then farms coming and going change the netdev table too. */
    boolean hasPolicies() {
        return !committed.policies().isEmpty() || !desired.policies().isEmpty();
    }

    /** Where the policies and paths stand, to go back to ({@link #rollback}) if a group of changes is invalid. */
    record Mark(IngressWanted desired, boolean pending) {}

    /**
     * Makes {@code next} the desired policies and paths.
     *
     * @return false if it changes nothing and nothing about them is under way (nothing to commit)
     */
    boolean submit(IngressWanted next) {
        if (next.equals(desired) && !pending && !inflight) {
            return false;
        }
        desired = next;
        pending = true;
        return true;
    }

    Mark mark() {
        return new Mark(desired, pending);
    }

    void rollback(Mark mark) {
        desired = mark.desired();
        pending = mark.pending();
    }

    /**
     * Moves what is queued into a batch.
     *
     * @param edits the policy and path edits of the batch, in order
     * @param farmsTouch whether the farm changes of the same batch change the netdev table
     * @param before the farms the kernel has (read only if the table is compiled)
     * @param after the farms once the batch is committed (likewise)
     */
    IngressBatch startBatch(List<Edit.OfIngress> edits, boolean farmsTouch, Supplier<List<FarmEntry>> before,
                            Supplier<List<FarmEntry>> after) {
        inflight = pending;
        pending = false;
        boolean membersOnly = edits.stream().allMatch(e -> e.members().isPresent());
        boolean compile = farmsTouch || !membersOnly;
        return new IngressBatch(edits, committed, desired, compile ? before.get() : List.of(),
                compile ? after.get() : List.of(), compile, table);
    }

    /** The batch is in the kernel. */
    void finish(IngressBatch batch) {
        committed = batch.after();
        table = batch.tableAfter();
        inflight = false;
    }

    /** The batch did not reach the kernel: the desired policies and paths are the committed ones again. */
    void abort() {
        desired = committed;
        pending = false;
        inflight = false;
    }
}
