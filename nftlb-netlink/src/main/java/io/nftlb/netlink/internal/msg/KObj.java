package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** A named stateful object (NFTA_OBJ_*): its type and the raw content of its data nest. */
public record KObj(String table, String name, int type, Bytes data) {

    static final int TABLE = 1, NAME = 2, TYPE = 3, DATA = 4;
    public static final int COUNTER = 1, QUOTA = 2, CT_HELPER = 3, LIMIT = 4, CONNLIMIT = 5;

    public KObj {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(data, "data");
    }

    public void encode(MsgWriter w) {
        w.str(TABLE, table).str(NAME, name).be32(TYPE, type);
        int n = w.beginNest(DATA);
        w.raw(data);
        w.endNest(n);
    }

    public static void encodeRef(MsgWriter w, String table, String name, int type) {
        w.str(TABLE, table).str(NAME, name).be32(TYPE, type);
    }

    public static KObj decode(Attrs a) {
        return new KObj(a.str(TABLE, "obj table"), a.str(NAME, "obj name"), a.reg(TYPE, "obj type"),
                a.find(DATA).map(Attr::bytes).orElse(Bytes.EMPTY));
    }
}
