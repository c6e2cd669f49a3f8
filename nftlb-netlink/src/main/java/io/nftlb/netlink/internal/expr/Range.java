package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;

/** {@code range}: {@code [ range eq reg 1 0x00001600 0x00001a00 ]}. */
public record Range(int sreg, int op, Bytes from, Bytes to) implements KExpr {

    static final int SREG = 1, OP = 2, FROM = 3, TO = 4;

    public Range {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
    }

    @Override
    public String name() {
        return "range";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG, sreg).be32(OP, op);
        NftData.put(w, FROM, new NftData.Value(from));
        NftData.put(w, TO, new NftData.Value(to));
    }

    static Range decode(Attrs a) {
        return new Range(a.reg(SREG, "range sreg"), a.reg(OP, "range op"), NftData.value(a.get(FROM, "range from")),
                NftData.value(a.get(TO, "range to")));
    }
}
