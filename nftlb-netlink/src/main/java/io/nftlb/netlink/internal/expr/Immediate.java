package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;

/** {@code immediate}: loads constant data or a verdict into {@code dreg} (0 = verdict register). */
public record Immediate(int dreg, NftData data) implements KExpr {

    static final int DREG = 1, DATA = 2;

    public Immediate {
        requireNonNull(data, "data");
    }

    @Override
    public String name() {
        return "immediate";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(DREG, dreg);
        NftData.put(w, DATA, data);
    }

    static Immediate decode(Attrs a) {
        return new Immediate(a.reg(DREG, "immediate dreg"), NftData.decode(a.get(DATA, "immediate data")));
    }
}
