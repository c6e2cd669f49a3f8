package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.expr.Exprs;
import io.nftlb.netlink.internal.expr.KExpr;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A rule as the kernel sees it: its expressions and user data (nft keeps the comment there). */
public record KRule(String table, String chain, OptionalLong handle, List<KExpr> exprs, Optional<Bytes> userdata) {

    static final int TABLE = 1, CHAIN = 2, HANDLE = 3, EXPRESSIONS = 4, USERDATA = 7;
    /** NFTNL_UDATA_RULE_COMMENT. */
    static final int UDATA_COMMENT = 0;

    public KRule {
        requireNonNull(table, "table");
        requireNonNull(chain, "chain");
        requireNonNull(handle, "handle");
        exprs = List.copyOf(exprs);
        requireNonNull(userdata, "userdata");
    }

    public void encode(MsgWriter w) {
        w.str(TABLE, table).str(CHAIN, chain);
        handle.ifPresent(h -> w.be64(HANDLE, h));
        int n = w.beginNest(EXPRESSIONS);
        Exprs.encodeAll(exprs, w);
        w.endNest(n);
        userdata.ifPresent(u -> w.bytes(USERDATA, u));
    }

    /** Writes a rule reference by handle (for delete). */
    public static void encodeRef(MsgWriter w, String table, String chain, long handle) {
        w.str(TABLE, table).str(CHAIN, chain).be64(HANDLE, handle);
    }

    public static KRule decode(Attrs a) {
        return new KRule(a.str(TABLE, "rule table"), a.str(CHAIN, "rule chain"),
                a.find(HANDLE).map(x -> OptionalLong.of(x.be64())).orElse(OptionalLong.empty()),
                a.find(EXPRESSIONS).map(x -> Exprs.decodeAll(x.nest())).orElse(List.of()),
                a.find(USERDATA).map(Attr::bytes));
    }

    /** nft's rule user data for a comment: TLV {type 0, len, text NUL}. */
    public static Bytes commentUserdata(String comment) {
        return Udata.builder().str(UDATA_COMMENT, comment).build();
    }

    /** The comment in nft's rule user data, if any. */
    public static Optional<String> comment(Bytes userdata) {
        return Udata.parse(userdata).stream().filter(t -> t.type() == UDATA_COMMENT).findFirst()
                .map(Udata.Tlv::str);
    }
}
