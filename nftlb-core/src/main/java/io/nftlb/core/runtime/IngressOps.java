package io.nftlb.core.runtime;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import java.util.ArrayList;
import java.util.List;

/** How the commit thread adds the netdev table's share to a transaction, and tells its callers. */
final class IngressOps {

    private IngressOps() {}

    /**
     * The inet table's transaction followed by the netdev table's operations: one atomic
     * transaction (the two tables refer to nothing of each other, so their order does not matter).
     */
    static Transaction join(Transaction inet, List<Op> netdev) {
        if (netdev.isEmpty()) {
            return inet;
        }
        List<Op> ops = new ArrayList<>(inet.ops().size() + netdev.size());
        ops.addAll(inet.ops());
        ops.addAll(netdev);
        return new Transaction(ops, inet.expectedGeneration());
    }

    /** Completes the policy and path changes of a batch, as for farm changes. */
    static void complete(List<IngressChange> done, List<IngressChange> batch, RuntimeException failure,
                         List<State.IngressDropped> dropped) {
        if (failure != null) {
            batch.forEach(c -> c.done().completeExceptionally(failure));
        }
        done.forEach(c -> c.done().complete(null));
        dropped.forEach(d -> d.change().done().completeExceptionally(d.error()));
    }
}
