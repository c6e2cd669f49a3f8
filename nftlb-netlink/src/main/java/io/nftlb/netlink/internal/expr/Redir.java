package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code redir}: dNAT to this host. {@code [ redir proto_min reg 1 proto_max reg 1 flags 0x2 ]} */
public record Redir(int regProtoMin, int regProtoMax, int flags) implements KExpr {

    static final int REG_PROTO_MIN = 1, REG_PROTO_MAX = 2, FLAGS = 3;

    @Override
    public String name() {
        return "redir";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32IfSet(REG_PROTO_MIN, regProtoMin);
        w.be32IfSet(REG_PROTO_MAX, regProtoMax);
        w.be32IfSet(FLAGS, flags);
    }

    static Redir decode(Attrs a) {
        return new Redir((int) a.be32Or(REG_PROTO_MIN, 0), (int) a.be32Or(REG_PROTO_MAX, 0), (int) a.be32Or(FLAGS, 0));
    }
}
