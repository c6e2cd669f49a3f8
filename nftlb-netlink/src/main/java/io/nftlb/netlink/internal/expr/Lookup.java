package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.OptionalInt;

/**
 * {@code lookup}: looks {@code sreg} up in a set; with {@code dreg} (a map) loads the data,
 * with {@code dreg} 0 (verdict register) jumps by a verdict map.
 * {@code [ lookup reg 1 set dnat4 dreg 1 ]}
 */
public record Lookup(String set, OptionalInt setId, int sreg, OptionalInt dreg, int flags) implements KExpr {

    static final int SET = 1, SREG = 2, DREG = 3, SET_ID = 4, FLAGS = 5;
    public static final int F_INV = 1;

    public Lookup {
        requireNonNull(set, "set");
        requireNonNull(setId, "setId");
        requireNonNull(dreg, "dreg");
    }

    @Override
    public String name() {
        return "lookup";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG, sreg);
        dreg.ifPresent(d -> w.be32(DREG, d));
        w.str(SET, set);
        setId.ifPresent(id -> w.be32(SET_ID, id));
        w.be32IfSet(FLAGS, flags);
    }

    static Lookup decode(Attrs a) {
        return new Lookup(a.str(SET, "lookup set"),
                a.find(SET_ID).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                a.reg(SREG, "lookup sreg"),
                a.find(DREG).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                (int) a.be32Or(FLAGS, 0));
    }
}
