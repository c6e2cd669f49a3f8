package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code quota}: {@code [ quota bytes 100 consumed 0 flags 0 ]}. */
public record Quota(long bytes, long consumed, int flags) implements KExpr {

    static final int BYTES = 1, FLAGS = 2, CONSUMED = 4;
    public static final int F_INV = 1;

    @Override
    public String name() {
        return "quota";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be64(BYTES, bytes).be64(CONSUMED, consumed).be32(FLAGS, flags);
    }

    public static Quota decode(Attrs a) {
        return new Quota(a.get(BYTES, "quota bytes").be64(), a.find(CONSUMED).map(x -> x.be64()).orElse(0L),
                (int) a.be32Or(FLAGS, 0));
    }
}
