package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;

/** {@code cmp}: compares {@code sreg} with constant data. {@code [ cmp eq reg 1 0x00000006 ]} */
public record Cmp(int sreg, int op, Bytes data) implements KExpr {

    static final int SREG = 1, OP = 2, DATA = 3;
    public static final int EQ = 0, NEQ = 1, LT = 2, LTE = 3, GT = 4, GTE = 5;

    public Cmp {
        requireNonNull(data, "data");
    }

    @Override
    public String name() {
        return "cmp";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG, sreg).be32(OP, op);
        NftData.putValue(w, DATA, data);
    }

    static Cmp decode(Attrs a) {
        return new Cmp(a.reg(SREG, "cmp sreg"), a.reg(OP, "cmp op"), NftData.value(a.get(DATA, "cmp data")));
    }
}
