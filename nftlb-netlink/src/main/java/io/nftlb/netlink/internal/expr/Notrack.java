package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code notrack}: no attributes. */
public record Notrack() implements KExpr {

    @Override
    public String name() {
        return "notrack";
    }

    @Override
    public void encode(MsgWriter w) {
    }

    static Notrack decode(Attrs a) {
        return new Notrack();
    }
}
