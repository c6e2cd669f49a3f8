package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code queue}: hands the packet to NFQUEUE {@code num} (.. num+total-1). Numbers are be16. */
public record Queue(int num, int total, int flags) implements KExpr {

    static final int NUM = 1, TOTAL = 2, FLAGS = 3;
    public static final int F_BYPASS = 1, F_CPU_FANOUT = 2;

    @Override
    public String name() {
        return "queue";
    }

    private static byte[] be16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    @Override
    public void encode(MsgWriter w) {
        w.bytes(NUM, be16(num), 0, 2).bytes(TOTAL, be16(total), 0, 2);
        if (flags != 0) {
            w.bytes(FLAGS, be16(flags), 0, 2);
        }
    }

    static Queue decode(Attrs a) {
        return new Queue(a.get(NUM, "queue num").be16(), a.find(TOTAL).map(Attr::be16).orElse(1),
                a.find(FLAGS).map(Attr::be16).orElse(0));
    }
}
