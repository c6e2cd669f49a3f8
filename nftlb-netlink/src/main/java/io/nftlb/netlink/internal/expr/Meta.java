package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code meta}: loads a packet metadata key into {@code dreg}, or sets it from {@code sreg}. */
public record Meta(int key, int dreg, int sreg) implements KExpr {

    static final int DREG = 1, KEY = 2, SREG = 3;
    public static final int LEN = 0, PROTOCOL = 1, PRIORITY = 2, MARK = 3, IIF = 4, OIF = 5, IIFNAME = 6,
            OIFNAME = 7, NFTRACE = 12, NFPROTO = 15, L4PROTO = 16, PKTTYPE = 19;

    public static Meta load(int key, int dreg) {
        return new Meta(key, dreg, 0);
    }

    public static Meta set(int key, int sreg) {
        return new Meta(key, 0, sreg);
    }

    @Override
    public String name() {
        return "meta";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(KEY, key);
        w.be32IfSet(DREG, dreg);
        w.be32IfSet(SREG, sreg);
    }

    static Meta decode(Attrs a) {
        return new Meta(a.reg(KEY, "meta key"), (int) a.be32Or(DREG, 0), (int) a.be32Or(SREG, 0));
    }
}
