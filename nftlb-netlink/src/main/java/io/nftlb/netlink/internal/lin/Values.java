package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Constants to register bytes and back, for a given {@link Layout}. */
final class Values {
    private Values() {}

    /** Encodes a constant (or a concatenation of constants) laid out as {@code layout}. */
    static Bytes encode(Expr value, Layout layout) {
        if (!layout.isConcat()) {
            return encode(value, layout.parts().get(0));
        }
        if (!(value instanceof Expr.Concat c) || c.parts().size() != layout.parts().size()) {
            throw new IllegalArgumentException("value " + value + " does not match a " + layout.parts().size()
                    + "-part key");
        }
        Bytes out = Bytes.EMPTY;
        for (int i = 0; i < c.parts().size(); i++) {
            Layout.Part p = layout.parts().get(i);
            out = out.concat(encode(c.parts().get(i), p).padTo(p.padded()));
        }
        return out;
    }

    static Bytes encode(Expr value, Layout.Part part) {
        return switch (value) {
            case Expr.Addr a -> Bytes.of(a.address().getAddress());
            case Expr.Int i -> integer(i.value(), part.len(), part.bigEndian());
            case Expr.Str s -> {
                byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
                yield Bytes.of(b).padTo(part.len());
            }
            case Expr.Ether e -> Bytes.of(HexFormat.ofDelimiter(":").parseHex(e.mac()));
            default -> throw new IllegalArgumentException("not a constant: " + value);
        };
    }

    static Bytes integer(long v, int len, boolean bigEndian) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            int shift = 8 * (bigEndian ? len - 1 - i : i);
            b[i] = shift < 64 ? (byte) (v >>> shift) : 0;
        }
        return Bytes.of(b);
    }

    /** Decodes register bytes laid out as {@code layout}. */
    static Expr decode(Bytes b, Layout layout) {
        if (!layout.isConcat()) {
            return decode(b, layout.parts().get(0));
        }
        List<Expr> parts = new ArrayList<>();
        int off = 0;
        for (Layout.Part p : layout.parts()) {
            if (off + p.len() > b.length()) {
                throw new CodecException("concatenated value too short: " + b);
            }
            parts.add(decode(b.slice(off, off + p.len()), p));
            off += p.padded();
        }
        return new Expr.Concat(parts);
    }

    static Expr.Const decode(Bytes b, Layout.Part p) {
        Bytes v = b.length() > p.len() ? b.slice(0, p.len()) : b;
        return switch (p.type()) {
            case IPV4_ADDR, IPV6_ADDR -> {
                try {
                    yield new Expr.Addr(InetAddress.getByAddress(v.toArray()));
                } catch (UnknownHostException e) {
                    throw new CodecException("bad address " + v, e);
                }
            }
            case ETHER_ADDR, LLADDR -> new Expr.Ether(HexFormat.ofDelimiter(":").formatHex(v.toArray()));
            case IFNAME, STRING -> {
                byte[] a = v.toArray();
                int n = 0;
                while (n < a.length && a[n] != 0) {
                    n++;
                }
                yield new Expr.Str(new String(a, 0, n, StandardCharsets.UTF_8), p.type());
            }
            default -> new Expr.Int(p.bigEndian() ? v.toLongBe() : v.toLongLe(), p.type());
        };
    }

    /** {@code v + 1} as a big-endian number of the same width (the end of an interval). */
    static Bytes increment(Bytes v) {
        byte[] a = v.toArray();
        for (int i = a.length - 1; i >= 0; i--) {
            if (++a[i] != 0) {
                return Bytes.of(a);
            }
        }
        return null; // overflow: the interval runs to the end of the key space
    }

    /** {@code v - 1} as a big-endian number. */
    static Bytes decrement(Bytes v) {
        byte[] a = v.toArray();
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i]-- != 0) {
                break;
            }
        }
        return Bytes.of(a);
    }

    /** The first and last address of a prefix. */
    static Bytes[] prefixBounds(Expr.Prefix p) {
        byte[] lo = p.address().address().getAddress();
        byte[] hi = lo.clone();
        for (int bit = p.length(); bit < lo.length * 8; bit++) {
            lo[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            hi[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return new Bytes[] {Bytes.of(lo), Bytes.of(hi)};
    }

    static boolean isZero(Bytes b) {
        for (int i = 0; i < b.length(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    static DataType typeOf(Expr e) {
        return e.type();
    }
}
