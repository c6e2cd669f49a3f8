package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code fwd}: forwards out of the device whose index is in {@code sregDev} (netdev family). */
public record Fwd(int sregDev, int sregAddr, int nfproto) implements KExpr {

    static final int SREG_DEV = 1, SREG_ADDR = 2, NFPROTO = 3;

    @Override
    public String name() {
        return "fwd";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG_DEV, sregDev);
        if (sregAddr != 0) {
            w.be32(SREG_ADDR, sregAddr).be32(NFPROTO, nfproto);
        }
    }

    static Fwd decode(Attrs a) {
        int addr = (int) a.be32Or(SREG_ADDR, 0);
        // As the kernel does, the family is read only with an address register (fwd ... to ADDR).
        return new Fwd(a.reg(SREG_DEV, "fwd sreg_dev"), addr, addr == 0 ? 0 : (int) a.be32Or(NFPROTO, 0));
    }
}
