package io.nftlb.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runtime's policies and paths in layers, like {@link State}'s farms: what the kernel has
 * ({@code committed}), what callers asked for ({@code desired}), and the changes of the commit
 * under way ({@code inflight}) and queued since ({@code pending}).
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class Ingress {

    private IngressWanted committed = IngressWanted.NONE;
    private IngressWanted desired = IngressWanted.NONE;
    private List<IngressChange> inflight = List.of();
    private List<IngressChange> pending = new ArrayList<>();
    private boolean table; // whether the kernel has the netdev table (the load balancer made it)

    IngressWanted desired() {
        return desired;
    }

    IngressWanted committed() {
        return committed;
    }

    boolean hasQueued() {
        return !pending.isEmpty();
    }

    /** Whether the kernel has the netdev table (the load balancer made it, and keeps it). */
    boolean hasTable() {
        return table;
    }

    /** Whether policies exist or are coming: then farms coming and going change the netdev table too. */
    boolean hasPolicies() {
        return !committed.policies().isEmpty() || !desired.policies().isEmpty();
    }

    /**
     * Queues a change whose edit gave {@code next}.
     *
     * @return false if it changes nothing and nothing is under way (the caller is done at once)
     */
    boolean submit(IngressChange change, IngressWanted next) {
        if (next.equals(desired) && pending.isEmpty() && inflight.isEmpty()) {
            return false;
        }
        desired = next;
        pending.add(change);
        return true;
    }

    /** Where the queue stands, to go back to if a group of changes turns out invalid. */
    record Mark(IngressWanted desired, int pending) {}

    Mark mark() {
        return new Mark(desired, pending.size());
    }

    /** Takes back the changes queued since {@code mark}. */
    void rollback(Mark mark) {
        desired = mark.desired();
        pending.subList(mark.pending(), pending.size()).clear();
    }

    /**
     * Moves what is queued into a batch.
     *
     * @param farmsTouch whether the farm changes of the same batch change the netdev table
     * @param before the farms the kernel has (read only if the table is compiled)
     * @param after the farms once the batch is committed (likewise)
     */
    IngressBatch startBatch(boolean farmsTouch, Supplier<List<FarmEntry>> before, Supplier<List<FarmEntry>> after) {
        inflight = pending;
        pending = new ArrayList<>();
        boolean membersOnly = inflight.stream().allMatch(c -> c.members().isPresent());
        boolean compile = farmsTouch || !membersOnly;
        return new IngressBatch(inflight, committed, desired, compile ? before.get() : List.of(),
                compile ? after.get() : List.of(), compile, table);
    }

    /** The batch is in the kernel. */
    void finish(IngressBatch batch) {
        committed = batch.after();
        table = batch.tableAfter();
        inflight = List.of();
    }

    /**
     * The batch did not reach the kernel: the desired state falls back to what the kernel has.
     *
     * @return the changes queued since, to be applied again by the caller
     */
    List<IngressChange> abort() {
        desired = committed;
        inflight = List.of();
        List<IngressChange> replay = pending;
        pending = new ArrayList<>();
        return replay;
    }
}
