package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.Udata;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Named sets to kernel sets, and back (their elements: {@link SetElements}). */
public final class Sets {
    private Sets() {}

    static final int UD_KEYBYTEORDER = 0, UD_DATABYTEORDER = 1, UD_KEY_TYPEOF = 3, UD_DATA_TYPEOF = 4,
            UD_DATA_INTERVAL = 6;
    /** In an element's user data, its comment: libnftnl's NFTNL_UDATA_SET_ELEM_COMMENT, the first of that enum. */
    static final int UD_ELEM_COMMENT = 0;

    /** The key layout of a set: network order throughout for interval sets. */
    static Layout keyLayout(NamedSet s) {
        Layout l = Layout.of(s.key());
        return s.flags().contains(SetFlag.INTERVAL) ? l.bigEndian() : l;
    }

    static Optional<Layout> dataLayout(NamedSet s) {
        return s.data().map(Layout::of);
    }

    /** The kernel description of a named set (without its elements). */
    public static KSet toKernel(String table, NamedSet s, OptionalInt id) {
        Layout key = Layout.of(s.key());
        int flags = 0;
        if (s.isMap()) {
            flags |= KSet.F_MAP;
        }
        for (SetFlag f : s.flags()) {
            flags |= switch (f) {
                case CONSTANT -> KSet.F_CONSTANT;
                case INTERVAL -> KSet.F_INTERVAL;
                case TIMEOUT -> KSet.F_TIMEOUT;
                case DYNAMIC -> KSet.F_EVAL;
            };
        }
        if (s.timeout().isPresent()) {
            flags |= KSet.F_TIMEOUT;
        }
        List<Integer> concatLens = List.of();
        if (key.isConcat() && s.flags().contains(SetFlag.INTERVAL)) {
            flags |= KSet.F_CONCAT;
            concatLens = key.parts().stream().map(Layout.Part::len).toList();
        }
        int dataType = 0;
        int dataLen = 0;
        Udata.Builder ud = Udata.builder().u32(UD_KEYBYTEORDER, Typeof.byteorder(s.key()));
        if (s.verdictMap()) {
            dataType = KSet.DATA_VERDICT;
            ud.u32(UD_DATABYTEORDER, 0);
        } else if (s.data().isPresent()) {
            Layout d = Layout.of(s.data().get());
            dataType = d.typeId();
            dataLen = d.length();
            ud.u32(UD_DATABYTEORDER, Typeof.byteorder(s.data().get()));
        }
        ud.nest(UD_KEY_TYPEOF, Typeof.encode(s.key()));
        if (s.verdictMap()) {
            ud.nest(UD_DATA_TYPEOF, Typeof.verdict());
        } else {
            s.data().ifPresent(d -> ud.nest(UD_DATA_TYPEOF, Typeof.encode(d)));
        }
        if (s.isMap()) {
            ud.u32(UD_DATA_INTERVAL, 0);
        }
        return new KSet(table, s.name(), flags, key.typeId(), key.length(), dataType, dataLen, id,
                s.size().isPresent() ? OptionalLong.of(s.size().getAsInt()) : OptionalLong.empty(), concatLens,
                s.timeout().map(t -> OptionalLong.of(t.toMillis())).orElse(OptionalLong.empty()),
                s.gcInterval().map(g -> OptionalInt.of((int) g.toMillis())).orElse(OptionalInt.empty()),
                Optional.of(ud.build()));
    }

    /** The named set described by a kernel set (elements not included). */
    public static NamedSet fromKernel(KSet k) {
        Expr key = null;
        Optional<Expr> data = Optional.empty();
        boolean verdictMap = k.isMap() && k.dataType() == KSet.DATA_VERDICT;
        if (k.userdata().isPresent()) {
            for (Udata.Tlv t : Udata.parse(k.userdata().get())) {
                if (t.type() == UD_KEY_TYPEOF) {
                    key = Typeof.decode(t.value()).orElseThrow(() -> new CodecException("verdict as set key"));
                } else if (t.type() == UD_DATA_TYPEOF && !verdictMap) {
                    data = Typeof.decode(t.value());
                }
            }
        }
        if (key == null) {
            throw new CodecException("set " + k.name() + " has no typeof user data (not created by nft or nftlb)");
        }
        Set<SetFlag> flags = EnumSet.noneOf(SetFlag.class);
        if ((k.flags() & KSet.F_CONSTANT) != 0) {
            flags.add(SetFlag.CONSTANT);
        }
        if ((k.flags() & KSet.F_INTERVAL) != 0) {
            flags.add(SetFlag.INTERVAL);
        }
        if ((k.flags() & KSet.F_TIMEOUT) != 0 && k.timeoutMs().isEmpty()) {
            flags.add(SetFlag.TIMEOUT);
        }
        if ((k.flags() & KSet.F_EVAL) != 0) {
            flags.add(SetFlag.DYNAMIC);
        }
        return new NamedSet(k.name(), key, data, verdictMap, flags,
                k.timeoutMs().isPresent() ? Optional.of(Duration.ofMillis(k.timeoutMs().getAsLong())) : Optional.empty(),
                k.size().isPresent() ? OptionalInt.of((int) k.size().getAsLong()) : OptionalInt.empty(),
                k.gcIntervalMs().isPresent() ? Optional.of(Duration.ofMillis(k.gcIntervalMs().getAsInt()))
                        : Optional.empty(), List.of());
    }

    /**
     * An anonymous map as nft 1.0.6 and the linearizer create it: its user data names no typeof,
     * so its key is the expression the rule looks it up with, and its data type comes from the
     * kernel's data type number (a single type; a concatenation of data types is not read).
     */
    public static NamedSet anonymous(KSet k, Expr key, List<KElem> kelems) {
        boolean verdict = k.dataType() == KSet.DATA_VERDICT;
        Optional<Expr> data = Optional.empty();
        if (k.isMap() && !verdict) {
            DataType type = java.util.Arrays.stream(DataType.values()).filter(t -> t.id() == k.dataType()).findFirst()
                    .orElseThrow(() -> new CodecException("anonymous map " + k.name() + ": data type "
                            + k.dataType() + " is not one this library reads"));
            data = Optional.of(new Expr.Int(0, type));
        }
        NamedSet shape = new NamedSet(k.name(), key, data, k.isMap() && verdict,
                (k.flags() & KSet.F_INTERVAL) != 0 ? Set.of(SetFlag.INTERVAL) : Set.of(), Optional.empty(),
                OptionalInt.empty(), Optional.empty(), List.of());
        return shape.withElements(SetElements.fromKernel(shape, kelems));
    }
}
