package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.OptionalInt;

/** {@code ct}: loads a conntrack key into {@code dreg}, or sets it from {@code sreg}. */
public record Ct(int key, int dreg, int sreg, OptionalInt direction) implements KExpr {

    static final int DREG = 1, KEY = 2, DIRECTION = 3, SREG = 4;
    public static final int STATE = 0, DIRECTION_KEY = 1, STATUS = 2, MARK = 3, EXPIRATION = 5, L3PROTOCOL = 7,
            PROTOCOL = 10, ZONE = 17;

    public static Ct load(int key, int dreg) {
        return new Ct(key, dreg, 0, OptionalInt.empty());
    }

    public static Ct set(int key, int sreg) {
        return new Ct(key, 0, sreg, OptionalInt.empty());
    }

    @Override
    public String name() {
        return "ct";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(KEY, key);
        w.be32IfSet(DREG, dreg);
        direction.ifPresent(d -> w.u8(DIRECTION, d));
        w.be32IfSet(SREG, sreg);
    }

    static Ct decode(Attrs a) {
        return new Ct(a.reg(KEY, "ct key"), (int) a.be32Or(DREG, 0), (int) a.be32Or(SREG, 0),
                a.find(DIRECTION).map(x -> OptionalInt.of(x.u8())).orElse(OptionalInt.empty()));
    }
}
