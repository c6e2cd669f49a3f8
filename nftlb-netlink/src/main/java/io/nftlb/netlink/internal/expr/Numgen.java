package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code numgen}: {@code [ numgen reg 1 = inc mod 2 offset 0 ]}; the result is in host order. */
public record Numgen(int dreg, long modulus, int type, long offset) implements KExpr {

    static final int DREG = 1, MODULUS = 2, TYPE = 3, OFFSET = 4;
    public static final int INCREMENTAL = 0, RANDOM = 1;

    @Override
    public String name() {
        return "numgen";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(DREG, dreg).be32(MODULUS, modulus).be32(TYPE, type).be32(OFFSET, offset);
    }

    static Numgen decode(Attrs a) {
        return new Numgen(a.reg(DREG, "numgen dreg"), a.be32(MODULUS, "numgen modulus"), a.reg(TYPE, "numgen type"),
                a.be32Or(OFFSET, 0));
    }
}
