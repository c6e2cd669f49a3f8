package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code counter}: {@code [ counter pkts 0 bytes 0 ]}. nft sends it empty; the kernel dumps both. */
public record Counter(long packets, long bytes, boolean explicit) implements KExpr {

    static final int BYTES = 1, PACKETS = 2;

    public static Counter empty() {
        return new Counter(0, 0, false);
    }

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public void encode(MsgWriter w) {
        if (explicit) {
            w.be64(BYTES, bytes).be64(PACKETS, packets);
        }
    }

    static Counter decode(Attrs a) {
        boolean explicit = a.has(BYTES) || a.has(PACKETS);
        return new Counter(a.find(PACKETS).map(x -> x.be64()).orElse(0L), a.find(BYTES).map(x -> x.be64()).orElse(0L),
                explicit);
    }
}
