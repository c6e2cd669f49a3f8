package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.netlink.internal.expr.Byteorder;
import io.nftlb.netlink.internal.expr.KExpr;
import io.nftlb.netlink.internal.expr.Lookup;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.Udata;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The lookups of one rule, the way nft 1.0.6 writes them: a named set by name, an anonymous set
 * or map created in the same batch (with the udata nft records for it), and interval keys in
 * host byte order converted to network order first.
 */
final class SetLookups {

    private final String table;
    private final Function<String, NamedSet> sets;
    private final IntSupplier setIds;
    private final List<KExpr> out;
    private final List<AnonSets> anon;

    /**
     * @param out the rule's expressions, for the byte order conversions
     * @param anon where the anonymous sets to create go
     */
    SetLookups(String table, Function<String, NamedSet> sets, IntSupplier setIds, List<KExpr> out,
               List<AnonSets> anon) {
        this.table = table;
        this.sets = sets;
        this.setIds = setIds;
        this.out = out;
        this.anon = anon;
    }

    void hton(Expr key, Expr set, int slot) {
        if (set instanceof Expr.SetRef ref) {
            NamedSet s = sets.apply(ref.name());
            Layout l = Layout.of(key);
            if (s.flags().contains(NamedSet.SetFlag.INTERVAL) && !l.isConcat() && l.hasHostOrder()) {
                int reg = Registers.reg(slot);
                out.add(new Byteorder(reg, reg, Byteorder.HTON, l.length(), l.length()));
            }
        }
    }

    /**
     * The key byte order nft records for an anonymous set: 0 for a concatenation, else the key
     * expression's. nft gives {@code meta l4proto} (one byte, but typed inet_proto) host order, and
     * other meta keys but the ether type too; the layout's order is right for the rest.
     */
    private static int anonKeyByteorder(Expr key, Layout keyLayout) {
        if (keyLayout.isConcat()) {
            return 0;
        }
        if (key instanceof Expr.Meta m) {
            return m.key() == io.nftlb.core.ast.MetaKey.PROTOCOL ? 2 : 1;
        }
        return keyLayout.parts().get(0).bigEndian() ? 2 : 1;
    }

    Lookup lookup(Expr key, Expr set, int slot, OptionalInt dreg, int flags, Optional<DataType> valueType,
                            boolean verdict) {
        if (set instanceof Expr.SetRef ref) {
            NamedSet s = sets.apply(ref.name());
            return new Lookup(s.name(), OptionalInt.empty(), Registers.reg(slot), dreg, flags);
        }
        Expr.AnonSet a = (Expr.AnonSet) set;
        int id = setIds.getAsInt();
        Layout keyLayout = Layout.of(key);
        boolean map = a.isMap();
        boolean interval = a.elements().stream().anyMatch(e -> e.key() instanceof Expr.Range
                || e.key() instanceof Expr.Prefix);
        String name = map ? "__map%d" : "__set%d";
        int setFlags = KSet.F_ANONYMOUS | KSet.F_CONSTANT | (map ? KSet.F_MAP : 0) | (interval ? KSet.F_INTERVAL : 0);
        int dataType = 0;
        int dataLen = 0;
        Udata.Builder ud = Udata.builder().u32(Sets.UD_KEYBYTEORDER, anonKeyByteorder(key, keyLayout));
        Optional<Expr> dataTypeof = Optional.empty();
        if (map) {
            if (verdict) {
                dataType = KSet.DATA_VERDICT;
                ud.u32(Sets.UD_DATABYTEORDER, 0);
            } else {
                DataType vt = valueType.orElseThrow();
                dataType = vt.id();
                dataLen = vt.length();
                ud.u32(Sets.UD_DATABYTEORDER, vt.byteOrder() == DataType.ByteOrder.BIG_ENDIAN ? 2 : 1);
            }
            ud.u32(Sets.UD_DATA_INTERVAL, 0);
        } else {
            ud.nest(Sets.UD_KEY_TYPEOF, Typeof.encode(key));
        }
        KSet ks = new KSet(table, name, setFlags, keyLayout.typeId(), keyLayout.length(), dataType, dataLen,
                OptionalInt.of(id), OptionalLong.of(a.elements().size()), List.of(), OptionalLong.empty(),
                OptionalInt.empty(), Optional.of(ud.build()));
        NamedSet shape = new NamedSet(name, key, map && !verdict
                ? Optional.of(new Expr.Int(0, valueType.orElseThrow())) : Optional.empty(), map && verdict,
                interval ? Set.of(NamedSet.SetFlag.INTERVAL) : Set.of(), Optional.empty(), OptionalInt.empty(),
                Optional.empty(), List.of());
        List<KElem> elems = SetElements.toKernel(shape, a.elements(), false);
        anon.add(new AnonSets(ks, elems));
        return new Lookup(name, OptionalInt.of(id), Registers.reg(slot), dreg, flags);
    }
}
