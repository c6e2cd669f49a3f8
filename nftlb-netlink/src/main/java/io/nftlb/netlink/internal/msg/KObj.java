package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.ObjectKind;
import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** A named stateful object (NFTA_OBJ_*): its type and the raw content of its data nest. */
public record KObj(String table, String name, int type, Bytes data) {

    static final int TABLE = 1, NAME = 2, TYPE = 3, DATA = 4;

    /** Object types (NFT_OBJECT_*) this library reads and writes, one per {@link ObjectKind}. */
    public enum Type {
        COUNTER(1, ObjectKind.COUNTER), QUOTA(2, ObjectKind.QUOTA), CT_HELPER(3, ObjectKind.CT_HELPER),
        LIMIT(4, ObjectKind.LIMIT), CONNLIMIT(5, ObjectKind.CONNLIMIT);

        private final int number;
        private final ObjectKind kind;

        Type(int number, ObjectKind kind) {
            this.number = number;
            this.kind = kind;
        }

        /** The kernel's number. */
        public int number() {
            return number;
        }

        /** The AST's name for it. */
        public ObjectKind kind() {
            return kind;
        }

        /** The type of objects of {@code kind}. */
        public static Type of(ObjectKind kind) {
            for (Type t : values()) {
                if (t.kind == kind) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no kernel object type for " + kind);
        }

        /** The type numbered {@code number}, if this library knows it. */
        public static java.util.Optional<Type> ofNumber(int number) {
            for (Type t : values()) {
                if (t.number == number) {
                    return java.util.Optional.of(t);
                }
            }
            return java.util.Optional.empty();
        }
    }

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
