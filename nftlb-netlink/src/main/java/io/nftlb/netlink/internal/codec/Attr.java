package io.nftlb.netlink.internal.codec;

import java.nio.charset.StandardCharsets;

/** One received attribute: a view into a message buffer. */
public record Attr(int type, boolean nested, byte[] buf, int offset, int length) {

    /** Type without the NESTED/BYTEORDER flags. */
    public int id() {
        return type;
    }

    public Bytes bytes() {
        return Bytes.of(buf, offset, length);
    }

    public long be32() {
        need(4);
        return ((buf[offset] & 0xffL) << 24) | ((buf[offset + 1] & 0xff) << 16) | ((buf[offset + 2] & 0xff) << 8)
                | (buf[offset + 3] & 0xff);
    }

    public int be32int() {
        return (int) be32();
    }

    /** A 16-bit big-endian value, as the kernel writes it (nla_put_be16): exactly two bytes. */
    public int be16() {
        if (length != 2) {
            throw new CodecException("attribute " + type + ": " + length + " bytes, a be16 has 2");
        }
        return ((buf[offset] & 0xff) << 8) | (buf[offset + 1] & 0xff);
    }

    public long be64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[offset + i] & 0xff);
        }
        return v;
    }

    public int u8() {
        need(1);
        return buf[offset] & 0xff;
    }

    public int host32() {
        need(4);
        return Attrs.hostU32(buf, offset);
    }

    /** A NUL-terminated (or unterminated) string. */
    public String str() {
        int end = offset;
        while (end < offset + length && buf[end] != 0) {
            end++;
        }
        return new String(buf, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** The attributes nested in this one. */
    public Attrs nest() {
        return Attrs.parse(buf, offset, length);
    }

    private void need(int n) {
        if (length < n) {
            throw new CodecException("attribute " + type + ": " + length + " bytes, need " + n);
        }
    }
}
