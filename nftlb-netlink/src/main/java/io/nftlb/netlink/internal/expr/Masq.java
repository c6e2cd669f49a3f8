package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code masq}: source NAT to the outgoing interface address. {@code [ masq flags 0x4 ]} */
public record Masq(int flags, int regProtoMin, int regProtoMax) implements KExpr {

    static final int FLAGS = 1, REG_PROTO_MIN = 2, REG_PROTO_MAX = 3;

    @Override
    public String name() {
        return "masq";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32IfSet(FLAGS, flags);
        w.be32IfSet(REG_PROTO_MIN, regProtoMin);
        w.be32IfSet(REG_PROTO_MAX, regProtoMax);
    }

    static Masq decode(Attrs a) {
        return new Masq((int) a.be32Or(FLAGS, 0), (int) a.be32Or(REG_PROTO_MIN, 0), (int) a.be32Or(REG_PROTO_MAX, 0));
    }
}
