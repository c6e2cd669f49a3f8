package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code limit}: {@code [ limit rate 100/second burst 10 type packets flags 0x0 ]}. */
public record Limit(long rate, long unitSeconds, int burst, int type, int flags) implements KExpr {

    static final int RATE = 1, UNIT = 2, BURST = 3, TYPE = 4, FLAGS = 5;
    public static final int PKTS = 0, PKT_BYTES = 1;
    public static final int F_INV = 1;

    @Override
    public String name() {
        return "limit";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be64(RATE, rate).be64(UNIT, unitSeconds).be32(BURST, burst).be32(TYPE, type).be32(FLAGS, flags);
    }

    static Limit decode(Attrs a) {
        return new Limit(a.get(RATE, "limit rate").be64(), a.get(UNIT, "limit unit").be64(), (int) a.be32Or(BURST, 0),
                (int) a.be32Or(TYPE, 0), (int) a.be32Or(FLAGS, 0));
    }

    /** Writes the attributes of a limit object (same layout as the expression). */
    public void encodeObject(MsgWriter w) {
        encode(w);
    }

    public static Limit decodeObject(Attrs a) {
        return decode(a);
    }
}
