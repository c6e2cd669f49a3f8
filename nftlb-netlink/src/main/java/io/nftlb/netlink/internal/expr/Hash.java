package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.OptionalLong;

/**
 * {@code hash}: jhash of {@code len} bytes at {@code sreg}, or symhash of the flow, modulo
 * {@code modulus} plus {@code offset}, into {@code dreg} (host order). Without a seed the
 * kernel picks a random one and does not report it.
 * {@code [ hash reg 1 = jhash(reg 1, 4, 0x0) % mod 2 ]}
 */
public record Hash(int type, int sreg, int dreg, int len, long modulus, OptionalLong seed, long offset)
        implements KExpr {

    static final int SREG = 1, DREG = 2, LEN = 3, MODULUS = 4, SEED = 5, OFFSET = 6, TYPE = 7;
    public static final int JENKINS = 0, SYM = 1;

    public Hash {
        requireNonNull(seed, "seed");
    }

    @Override
    public String name() {
        return "hash";
    }

    @Override
    public void encode(MsgWriter w) {
        if (type == JENKINS) {
            w.be32(SREG, sreg);
        }
        w.be32(DREG, dreg);
        if (type == JENKINS) {
            w.be32(LEN, len);
        }
        w.be32(MODULUS, modulus);
        seed.ifPresent(s -> w.be32(SEED, s));
        w.be32(OFFSET, offset).be32(TYPE, type);
    }

    static Hash decode(Attrs a) {
        int type = (int) a.be32Or(TYPE, JENKINS);
        // The kernel reads a source register and length for jhash only, as encode writes them.
        boolean jenkins = type == JENKINS;
        return new Hash(type, jenkins ? (int) a.be32Or(SREG, 0) : 0, a.reg(DREG, "hash dreg"),
                jenkins ? (int) a.be32Or(LEN, 0) : 0, a.be32(MODULUS, "hash modulus"),
                a.find(SEED).map(x -> OptionalLong.of(x.be32())).orElse(OptionalLong.empty()), a.be32Or(OFFSET, 0));
    }
}
