package io.nftlb.netlink.internal.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Decoding reads dynset -> expression -> dynset ... only to a bounded depth. */
class ExprsNestingTest {

    /** A dynset whose expression is a dynset, {@code depth} times, around a counter. */
    static Dynset nested(int depth) {
        KExpr inner = Counter.empty();
        for (int i = 0; i < depth; i++) {
            inner = new Dynset("s" + i, OptionalInt.empty(), Dynset.OP_ADD, 1, OptionalInt.empty(),
                    OptionalLong.empty(), 0, Optional.of(inner));
        }
        return (Dynset) inner;
    }

    @Test
    void nestingUpToTheCapDecodes() {
        Dynset d = nested(Exprs.MAX_NESTING);
        assertEquals(List.of(d), Exprs.fromBytes(Exprs.toBytes(List.of(d))));
    }

    @Test
    void oneLevelMoreIsRefusedNamingTheDepth() {
        Bytes deep = Exprs.toBytes(List.of(nested(Exprs.MAX_NESTING + 1)));
        CodecException e = assertThrows(CodecException.class, () -> Exprs.fromBytes(deep));
        assertTrue(String.valueOf(e.getMessage()).contains("nested " + (Exprs.MAX_NESTING + 1) + " deep"),
                e.getMessage());
    }

    /**
     * As deep as one netlink attribute can hold (its length is 16 bits): written iteratively from
     * the inside out, so that only the decoder could recurse, and it must refuse, not overflow.
     */
    @Test
    void theDeepestNestingAnAttributeHoldsIsRefusedWithoutRecursingIntoIt() {
        Bytes inner = encodeExpr("counter", Bytes.EMPTY);
        int levels = 0;
        while (inner.length() < 60_000) {
            MsgWriter data = new MsgWriter(inner.length() + 64);
            data.be32(Dynset.SREG_KEY, 1).be32(Dynset.OP, Dynset.OP_ADD).str(Dynset.SET_NAME, "s");
            int at = data.beginNest(Dynset.EXPR);
            data.raw(inner);
            data.endNest(at);
            inner = encodeExpr("dynset", data.toBytes());
            levels++;
        }
        MsgWriter list = new MsgWriter(inner.length() + 16);
        int elem = list.beginNest(Exprs.NFTA_LIST_ELEM);
        list.raw(inner);
        list.endNest(elem);
        Bytes input = list.toBytes();
        assertTrue(levels > 1000, "levels " + levels);
        CodecException e = assertThrows(CodecException.class, () -> Exprs.fromBytes(input));
        for (Throwable c = e; c != null; c = c.getCause()) {
            assertInstanceOf(CodecException.class, c, "nothing but the decoder's own refusal");
        }
    }

    private static Bytes encodeExpr(String name, Bytes data) {
        MsgWriter w = new MsgWriter(data.length() + 32);
        w.str(Exprs.NFTA_EXPR_NAME, name);
        int at = w.beginNest(Exprs.NFTA_EXPR_DATA);
        w.raw(data);
        w.endNest(at);
        return w.toBytes();
    }
}
