package io.nftlb.netlink.internal.codec;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A parsed list of attributes, in wire order. Strict about framing, tolerant of unknown types. */
public final class Attrs {

    private static final boolean LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final List<Attr> list;

    private Attrs(List<Attr> list) {
        this.list = list;
    }

    static int hostU16(byte[] b, int at) {
        return LE ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 : (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static int hostU32(byte[] b, int at) {
        return LE
                ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24
                : (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** Parses {@code length} bytes of attributes from {@code offset}. */
    public static Attrs parse(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new CodecException("attribute area out of bounds");
        }
        List<Attr> out = new ArrayList<>();
        int p = offset;
        int end = offset + length;
        while (p < end) {
            if (end - p < Nl.NLA_HDRLEN) {
                throw new CodecException("truncated attribute header at " + (p - offset));
            }
            int len = hostU16(buf, p);
            int type = hostU16(buf, p + 2);
            if (len < Nl.NLA_HDRLEN || p + len > end) {
                throw new CodecException("bad attribute length " + len + " at " + (p - offset));
            }
            out.add(new Attr(type & Nl.NLA_TYPE_MASK, (type & Nl.NLA_F_NESTED) != 0, buf, p + Nl.NLA_HDRLEN,
                    len - Nl.NLA_HDRLEN));
            p += Nl.align4(len);
        }
        return new Attrs(Collections.unmodifiableList(out));
    }

    public static Attrs parse(Bytes b) {
        return parse(b.unsafeArray(), 0, b.length());
    }

    public List<Attr> all() {
        return list;
    }

    public Optional<Attr> find(int type) {
        for (Attr a : list) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public boolean has(int type) {
        return find(type).isPresent();
    }

    /** The attribute, or a {@link CodecException} naming {@code what}. */
    public Attr get(int type, String what) {
        return find(type).orElseThrow(() -> new CodecException("missing attribute " + what));
    }

    public long be32(int type, String what) {
        return get(type, what).be32();
    }

    public int reg(int type, String what) {
        return (int) get(type, what).be32();
    }

    public String str(int type, String what) {
        return get(type, what).str();
    }

    public long be32Or(int type, long dflt) {
        return find(type).map(Attr::be32).orElse(dflt);
    }
}
