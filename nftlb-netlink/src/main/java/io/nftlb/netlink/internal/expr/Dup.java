package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code dup}: clones the packet to the address in {@code sregAddr} (via device {@code sregDev}). */
public record Dup(int sregAddr, int sregDev) implements KExpr {

    static final int SREG_ADDR = 1, SREG_DEV = 2;

    @Override
    public String name() {
        return "dup";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32IfSet(SREG_ADDR, sregAddr);
        w.be32IfSet(SREG_DEV, sregDev);
    }

    static Dup decode(Attrs a) {
        return new Dup((int) a.be32Or(SREG_ADDR, 0), (int) a.be32Or(SREG_DEV, 0));
    }
}
