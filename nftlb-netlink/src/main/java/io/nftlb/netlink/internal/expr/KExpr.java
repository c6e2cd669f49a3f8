package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.MsgWriter;

/**
 * A kernel nf_tables expression as it travels in {@code NFTA_RULE_EXPRESSIONS}: a name and
 * the content of its {@code NFTA_EXPR_DATA} nest. One record per kernel expression, each with
 * its encoder and decoder side by side; unknown names decode to {@link Unknown} and re-encode
 * unchanged.
 */
public sealed interface KExpr permits Payload, Meta, Cmp, Bitwise, Byteorder, Range, Lookup, Dynset, Immediate,
        Numgen, Hash, Ct, Nat, Masq, Redir, Counter, Limit, Quota, Log, Queue, Reject, Connlimit, Objref, Fwd,
        Dup, FlowOffload, Notrack, Exthdr, Fib, Unknown {

    /** The kernel's name for this expression ({@code NFTA_EXPR_NAME}). */
    String name();

    /** Writes the attributes that go inside {@code NFTA_EXPR_DATA}. */
    void encode(MsgWriter w);
}
