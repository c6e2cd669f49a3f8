package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code connlimit}: {@code [ connlimit count 10 flags 1 ]} (flag 1 = over). */
public record Connlimit(long count, int flags) implements KExpr {

    static final int COUNT = 1, FLAGS = 2;
    public static final int F_INV = 1;

    @Override
    public String name() {
        return "connlimit";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(COUNT, count).be32(FLAGS, flags);
    }

    static Connlimit decode(Attrs a) {
        return new Connlimit(a.be32(COUNT, "connlimit count"), (int) a.be32Or(FLAGS, 0));
    }
}
