package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code exthdr}: loads from an IPv6 extension header or a TCP option. */
public record Exthdr(int dreg, int type, int offset, int len, int flags, int op, int sreg) implements KExpr {

    static final int DREG = 1, TYPE = 2, OFFSET = 3, LEN = 4, FLAGS = 5, OP = 6, SREG = 7;

    @Override
    public String name() {
        return "exthdr";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32IfSet(DREG, dreg);
        w.u8(TYPE, type).be32(OFFSET, offset).be32(LEN, len);
        w.be32IfSet(FLAGS, flags);
        w.be32(OP, op);
        w.be32IfSet(SREG, sreg);
    }

    static Exthdr decode(Attrs a) {
        return new Exthdr((int) a.be32Or(DREG, 0), a.get(TYPE, "exthdr type").u8(), a.reg(OFFSET, "exthdr offset"),
                a.reg(LEN, "exthdr len"), (int) a.be32Or(FLAGS, 0), (int) a.be32Or(OP, 0), (int) a.be32Or(SREG, 0));
    }
}
