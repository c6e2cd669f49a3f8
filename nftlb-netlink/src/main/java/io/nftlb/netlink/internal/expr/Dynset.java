package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code dynset}: adds/updates/deletes the element keyed by {@code sregKey} (with data from
 * {@code sregData}) in a set from the packet path.
 * {@code [ dynset update reg_key 1 set m sreg_data 2 timeout 600000ms ]}. An element may keep
 * the state of one stateful expression ({@code NFTA_DYNSET_EXPR}, as nft sends a single one):
 * {@code [ dynset add reg_key 1 set rate4 expr [ limit rate 10/second burst 5 type packets flags 0x1 ] ]}.
 */
public record Dynset(String set, OptionalInt setId, int op, int sregKey, OptionalInt sregData,
                     OptionalLong timeoutMs, int flags, Optional<KExpr> expr) implements KExpr {

    static final int SET_NAME = 1, SET_ID = 2, OP = 3, SREG_KEY = 4, SREG_DATA = 5, TIMEOUT = 6, EXPR = 7,
            FLAGS = 9;
    public static final int OP_ADD = 0, OP_UPDATE = 1, OP_DELETE = 2;

    public Dynset {
        requireNonNull(set, "set");
        requireNonNull(setId, "setId");
        requireNonNull(sregData, "sregData");
        requireNonNull(timeoutMs, "timeoutMs");
        requireNonNull(expr, "expr");
    }

    /** Without a stateful expression. */
    public Dynset(String set, OptionalInt setId, int op, int sregKey, OptionalInt sregData, OptionalLong timeoutMs,
                  int flags) {
        this(set, setId, op, sregKey, sregData, timeoutMs, flags, Optional.empty());
    }

    @Override
    public String name() {
        return "dynset";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(SREG_KEY, sregKey);
        sregData.ifPresent(r -> w.be32(SREG_DATA, r));
        w.be32(OP, op);
        timeoutMs.ifPresent(t -> w.be64(TIMEOUT, t));
        w.str(SET_NAME, set);
        setId.ifPresent(id -> w.be32(SET_ID, id));
        expr.ifPresent(e -> w.nest(EXPR, () -> Exprs.encodeExpr(e, w)));
        w.be32IfSet(FLAGS, flags);
    }

    /** @param depth how deep this dynset is nested (its expression is one deeper) */
    static Dynset decode(Attrs a, int depth) {
        return new Dynset(a.str(SET_NAME, "dynset set"),
                a.find(SET_ID).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                a.reg(OP, "dynset op"), a.reg(SREG_KEY, "dynset sreg_key"),
                a.find(SREG_DATA).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                a.find(TIMEOUT).map(x -> OptionalLong.of(x.be64())).orElse(OptionalLong.empty()),
                (int) a.be32Or(FLAGS, 0), a.find(EXPR).map(Attr::nest).map(e -> Exprs.decodeExpr(e, depth + 1)));
    }
}
