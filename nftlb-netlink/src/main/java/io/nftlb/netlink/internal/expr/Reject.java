package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code reject}: {@code [ reject type 0 code 3 ]} (icmp port-unreachable), type 1 = tcp reset. */
public record Reject(int type, int icmpCode) implements KExpr {

    static final int TYPE = 1, ICMP_CODE = 2;
    public static final int ICMP_UNREACH = 0, TCP_RST = 1, ICMPX_UNREACH = 2;

    @Override
    public String name() {
        return "reject";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(TYPE, type).u8(ICMP_CODE, icmpCode);
    }

    static Reject decode(Attrs a) {
        return new Reject(a.reg(TYPE, "reject type"), a.find(ICMP_CODE).map(x -> x.u8()).orElse(0));
    }
}
