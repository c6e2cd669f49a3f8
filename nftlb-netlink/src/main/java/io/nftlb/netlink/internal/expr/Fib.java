package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code fib}: routing lookup. {@code [ fib daddr type => reg 1 ]} */
public record Fib(int dreg, int result, int flags) implements KExpr {

    static final int DREG = 1, RESULT = 2, FLAGS = 3;

    @Override
    public String name() {
        return "fib";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(DREG, dreg).be32(RESULT, result).be32(FLAGS, flags);
    }

    static Fib decode(Attrs a) {
        return new Fib(a.reg(DREG, "fib dreg"), a.reg(RESULT, "fib result"), (int) a.be32Or(FLAGS, 0));
    }
}
