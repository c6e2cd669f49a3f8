package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/**
 * {@code nat}: snat/dnat to the address (and port) in registers; 0 means "not used".
 * {@code [ nat dnat ip addr_min reg 1 proto_min reg 9 ]}
 */
public record Nat(int type, int family, int regAddrMin, int regAddrMax, int regProtoMin, int regProtoMax,
                  int flags) implements KExpr {

    static final int TYPE = 1, FAMILY = 2, REG_ADDR_MIN = 3, REG_ADDR_MAX = 4, REG_PROTO_MIN = 5,
            REG_PROTO_MAX = 6, FLAGS = 7;
    public static final int SNAT = 0, DNAT = 1;
    public static final int F_MAP_IPS = 0x1, F_PROTO_SPECIFIED = 0x2, F_PROTO_RANDOM = 0x4, F_PERSISTENT = 0x8,
            F_PROTO_RANDOM_FULLY = 0x10;

    @Override
    public String name() {
        return "nat";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(TYPE, type).be32(FAMILY, family);
        w.be32IfSet(REG_ADDR_MIN, regAddrMin);
        w.be32IfSet(REG_ADDR_MAX, regAddrMax);
        w.be32IfSet(REG_PROTO_MIN, regProtoMin);
        w.be32IfSet(REG_PROTO_MAX, regProtoMax);
        w.be32IfSet(FLAGS, flags);
    }

    static Nat decode(Attrs a) {
        return new Nat(a.reg(TYPE, "nat type"), a.reg(FAMILY, "nat family"), (int) a.be32Or(REG_ADDR_MIN, 0),
                (int) a.be32Or(REG_ADDR_MAX, 0), (int) a.be32Or(REG_PROTO_MIN, 0), (int) a.be32Or(REG_PROTO_MAX, 0),
                (int) a.be32Or(FLAGS, 0));
    }
}
