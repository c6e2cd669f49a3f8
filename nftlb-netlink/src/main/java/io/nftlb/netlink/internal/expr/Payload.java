package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/**
 * {@code payload}: loads {@code len} bytes at {@code offset} of a header into {@code dreg}, or
 * (when {@code sreg != 0}) writes them from {@code sreg}, fixing a checksum.
 * {@code [ payload load 4b @ network header + 16 => reg 1 ]}
 */
public record Payload(int dreg, int base, int offset, int len, int sreg, int csumType, int csumOffset,
                      int csumFlags) implements KExpr {

    static final int DREG = 1, BASE = 2, OFFSET = 3, LEN = 4, SREG = 5, CSUM_TYPE = 6, CSUM_OFFSET = 7,
            CSUM_FLAGS = 8;
    public static final int BASE_LL = 0, BASE_NETWORK = 1, BASE_TRANSPORT = 2;
    public static final int CSUM_NONE = 0, CSUM_INET = 1;

    public static Payload load(int base, int offset, int len, int dreg) {
        return new Payload(dreg, base, offset, len, 0, 0, 0, 0);
    }

    public static Payload write(int base, int offset, int len, int sreg, int csumType, int csumOffset,
                                int csumFlags) {
        return new Payload(0, base, offset, len, sreg, csumType, csumOffset, csumFlags);
    }

    public boolean isLoad() {
        return sreg == 0;
    }

    @Override
    public String name() {
        return "payload";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32IfSet(SREG, sreg);
        w.be32IfSet(DREG, dreg);
        w.be32(BASE, base).be32(OFFSET, offset).be32(LEN, len);
        if (sreg != 0) {
            w.be32(CSUM_TYPE, csumType).be32(CSUM_OFFSET, csumOffset);
            w.be32IfSet(CSUM_FLAGS, csumFlags);
        }
    }

    static Payload decode(Attrs a) {
        int sreg = (int) a.be32Or(SREG, 0);
        // As the kernel does, checksum attributes are read only for a write (a source register).
        boolean write = sreg != 0;
        return new Payload((int) a.be32Or(DREG, 0), a.reg(BASE, "payload base"), a.reg(OFFSET, "payload offset"),
                a.reg(LEN, "payload len"), sreg, write ? (int) a.be32Or(CSUM_TYPE, 0) : 0,
                write ? (int) a.be32Or(CSUM_OFFSET, 0) : 0, write ? (int) a.be32Or(CSUM_FLAGS, 0) : 0);
    }
}
