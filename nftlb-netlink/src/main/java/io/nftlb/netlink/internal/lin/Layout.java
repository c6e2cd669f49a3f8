package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * How the value of an expression sits in registers and set keys: its parts (one unless it is
 * a concatenation), each with a type, a length and a byte order.
 */
record Layout(List<Part> parts) {

    /** One part: {@code len} bytes in big-endian or host order, padded to 4 in registers. */
    record Part(DataType type, int len, boolean bigEndian) {
        int padded() {
            return (len + 3) & ~3;
        }
    }

    Layout {
        parts = List.copyOf(parts);
    }

    static Layout of(Expr e) {
        List<Part> out = new ArrayList<>();
        add(e, out);
        return new Layout(out);
    }

    private static void add(Expr e, List<Part> out) {
        switch (e) {
            case Expr.Concat c -> c.parts().forEach(p -> add(p, out));
            case Expr.Payload p -> out.add(new Part(p.field().type(), p.field().length(), true));
            case Expr.Numgen n -> out.add(new Part(DataType.INTEGER, 4, false));
            case Expr.Jhash j -> out.add(new Part(DataType.INTEGER, 4, false));
            case Expr.Symhash s -> out.add(new Part(DataType.INTEGER, 4, false));
            case Expr.MapLookup m -> out.add(part(m.valueType()));
            default -> out.add(part(e.type()));
        }
    }

    static Part part(DataType t) {
        return new Part(t, t.length(), t.byteOrder() == DataType.ByteOrder.BIG_ENDIAN);
    }

    /** The same layout with every part in network order (interval sets compare keys bytewise). */
    Layout bigEndian() {
        return new Layout(parts.stream().map(p -> new Part(p.type(), p.len(), true)).toList());
    }

    boolean isConcat() {
        return parts.size() > 1;
    }

    boolean hasHostOrder() {
        return parts.stream().anyMatch(p -> !p.bigEndian() && p.len() > 1);
    }

    /** NFTA_SET_KEY_LEN / register bytes: one part's length, or the padded sum of a concatenation. */
    int length() {
        return isConcat() ? parts.stream().mapToInt(Part::padded).sum() : parts.get(0).len();
    }

    /** NFTA_SET_KEY_TYPE. */
    int typeId() {
        return isConcat() ? DataType.concatTypeId(parts.stream().map(Part::type).toList()) : parts.get(0).type().id();
    }
}
