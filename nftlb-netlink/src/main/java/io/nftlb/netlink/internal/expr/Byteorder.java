package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code byteorder}: {@code [ byteorder reg 1 = hton(reg 1, 4, 4) ]}. */
public record Byteorder(int sreg, int dreg, int op, int len, int size) implements KExpr {

    static final int SREG = 1, DREG = 2, OP = 3, LEN = 4, SIZE = 5;
    public static final int NTOH = 0, HTON = 1;

    @Override
    public String name() {
        return "byteorder";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG, sreg).be32(DREG, dreg).be32(OP, op).be32(LEN, len).be32(SIZE, size);
    }

    static Byteorder decode(Attrs a) {
        return new Byteorder(a.reg(SREG, "byteorder sreg"), a.reg(DREG, "byteorder dreg"),
                a.reg(OP, "byteorder op"), a.reg(LEN, "byteorder len"), a.reg(SIZE, "byteorder size"));
    }
}
