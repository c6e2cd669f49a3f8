package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;

/**
 * {@code bitwise} (boolean op): {@code dreg = (sreg & mask) ^ xor} over {@code len} bytes.
 * {@code [ bitwise reg 1 = ( reg 1 & 0x00000008 ) ^ 0x00000000 ]}
 */
public record Bitwise(int sreg, int dreg, int len, Bytes mask, Bytes xor) implements KExpr {

    static final int SREG = 1, DREG = 2, LEN = 3, MASK = 4, XOR = 5;

    public Bitwise {
        requireNonNull(mask, "mask");
        requireNonNull(xor, "xor");
    }

    @Override
    public String name() {
        return "bitwise";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG, sreg).be32(DREG, dreg).be32(LEN, len);
        NftData.put(w, MASK, new NftData.Value(mask));
        NftData.put(w, XOR, new NftData.Value(xor));
    }

    static Bitwise decode(Attrs a) {
        return new Bitwise(a.reg(SREG, "bitwise sreg"), a.reg(DREG, "bitwise dreg"), a.reg(LEN, "bitwise len"),
                NftData.value(a.get(MASK, "bitwise mask")), NftData.value(a.get(XOR, "bitwise xor")));
    }
}
