package io.nftlb.core.ast;

import java.util.List;
import java.util.OptionalLong;

/**
 * Operations that reach the kernel together, in one atomic nf_tables transaction: all of
 * them apply, or none does.
 *
 * @param ops the operations in order
 * @param expectedGeneration when present, the commit fails (instead of overwriting) if the
 *     kernel's ruleset generation is no longer this one, i.e. someone else changed it
 */
public record Transaction(List<Op> ops, OptionalLong expectedGeneration) {

    public Transaction {
        ops = List.copyOf(ops);
    }

    public static Transaction of(List<Op> ops) {
        return new Transaction(ops, OptionalLong.empty());
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
