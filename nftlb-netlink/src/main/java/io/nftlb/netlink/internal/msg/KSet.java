package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A set or map as the kernel sees it (NFTA_SET_*). {@code userdata} holds nft's typeof and
 * byte-order TLVs (see {@link SetUserdata}); the kernel stores it without reading it.
 */
public record KSet(String table, String name, int flags, int keyType, int keyLen, int dataType, int dataLen,
                   OptionalInt id, OptionalLong size, List<Integer> concatLens, OptionalLong timeoutMs,
                   OptionalInt gcIntervalMs, Optional<Bytes> userdata) {

    static final int TABLE = 1, NAME = 2, FLAGS = 3, KEY_TYPE = 4, KEY_LEN = 5, DATA_TYPE = 6, DATA_LEN = 7,
            DESC = 9, ID = 10, TIMEOUT = 11, GC_INTERVAL = 12, USERDATA = 13;
    static final int DESC_SIZE = 1, DESC_CONCAT = 2, FIELD_LEN = 1, LIST_ELEM = 1;

    public static final int F_ANONYMOUS = 0x1, F_CONSTANT = 0x2, F_INTERVAL = 0x4, F_MAP = 0x8, F_TIMEOUT = 0x10,
            F_EVAL = 0x20, F_OBJECT = 0x40, F_CONCAT = 0x80;
    /** NFT_DATA_VERDICT as a set data type. */
    public static final int DATA_VERDICT = 0xffffff00;

    public KSet {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(id, "id");
        requireNonNull(size, "size");
        concatLens = List.copyOf(concatLens);
        requireNonNull(timeoutMs, "timeoutMs");
        requireNonNull(gcIntervalMs, "gcIntervalMs");
        requireNonNull(userdata, "userdata");
    }

    public boolean isMap() {
        return (flags & F_MAP) != 0;
    }

    public void encode(MsgWriter w) {
        w.str(TABLE, table).str(NAME, name).be32(FLAGS, flags).be32(KEY_TYPE, keyType).be32(KEY_LEN, keyLen);
        if (isMap()) {
            w.be32(DATA_TYPE, dataType).be32(DATA_LEN, dataLen);
        }
        id.ifPresent(i -> w.be32(ID, i));
        if (size.isPresent() || !concatLens.isEmpty()) {
            w.nest(DESC, () -> {
                size.ifPresent(s -> w.be32(DESC_SIZE, s));
                if (!concatLens.isEmpty()) {
                    w.nest(DESC_CONCAT, () -> {
                        for (int len : concatLens) {
                            w.nest(LIST_ELEM, () -> w.be32(FIELD_LEN, len));
                        }
                    });
                }
            });
        }
        timeoutMs.ifPresent(t -> w.be64(TIMEOUT, t));
        gcIntervalMs.ifPresent(g -> w.be32(GC_INTERVAL, g));
        userdata.ifPresent(u -> w.bytes(USERDATA, u));
    }

    /** Writes only the identifying attributes (for delete and flush). */
    public static void encodeRef(MsgWriter w, String table, String name) {
        w.str(TABLE, table).str(NAME, name);
    }

    public static KSet decode(Attrs a) {
        OptionalLong size = OptionalLong.empty();
        List<Integer> concat = new ArrayList<>();
        Optional<Attr> desc = a.find(DESC);
        if (desc.isPresent()) {
            Attrs d = desc.get().nest();
            size = d.find(DESC_SIZE).map(x -> OptionalLong.of(x.be32())).orElse(OptionalLong.empty());
            d.find(DESC_CONCAT).ifPresent(c -> c.nest().all().forEach(f -> concat.add(f.nest().reg(FIELD_LEN, "field len"))));
        }
        return new KSet(a.str(TABLE, "set table"), a.str(NAME, "set name"), (int) a.be32Or(FLAGS, 0),
                a.reg(KEY_TYPE, "set key type"), a.reg(KEY_LEN, "set key len"), (int) a.be32Or(DATA_TYPE, 0),
                (int) a.be32Or(DATA_LEN, 0), a.find(ID).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                size, concat, a.find(TIMEOUT).map(x -> OptionalLong.of(x.be64())).orElse(OptionalLong.empty()),
                a.find(GC_INTERVAL).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                a.find(USERDATA).map(Attr::bytes));
    }
}
