package io.nftlb.netlink.internal.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value semantics, so that records holding raw kernel data
 * (register values, opaque expressions) compare by content.
 */
public final class Bytes {

    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code data}. */
    public static Bytes of(byte... data) {
        return new Bytes(data.clone());
    }

    /** A copy of {@code length} bytes of {@code data} from {@code offset}. */
    public static Bytes of(byte[] data, int offset, int length) {
        return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /** From hex digits, e.g. {@code "0a000001"}. */
    public static Bytes hex(String hex) {
        return new Bytes(HexFormat.of().parseHex(hex));
    }

    /** The 4 bytes of {@code v} in network (big-endian) order. */
    public static Bytes be32(long v) {
        return new Bytes(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    public int length() {
        return data.length;
    }

    public byte get(int i) {
        return data[i];
    }

    /** A copy of the content. */
    public byte[] toArray() {
        return data.clone();
    }

    /** For writers only: the backing array, which must not be modified. */
    byte[] unsafeArray() {
        return data;
    }

    /**
     * Orders as unsigned big-endian numbers when the lengths are equal (byte by byte, unsigned;
     * a shorter prefix first), as the kernel orders interval bounds, without copying.
     */
    public int compareUnsigned(Bytes other) {
        return Arrays.compareUnsigned(data, other.data);
    }

    public Bytes slice(int from, int to) {
        return new Bytes(Arrays.copyOfRange(data, from, to));
    }

    /** This value followed by {@code other}. */
    public Bytes concat(Bytes other) {
        byte[] r = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, r, data.length, other.data.length);
        return new Bytes(r);
    }

    /** This value padded with zeros to {@code len} bytes. */
    public Bytes padTo(int len) {
        return len <= data.length ? this : new Bytes(Arrays.copyOf(data, len));
    }

    /** Unsigned big-endian value of up to 8 bytes. */
    public long toLongBe() {
        long v = 0;
        for (byte b : data) {
            v = (v << 8) | (b & 0xff);
        }
        return v;
    }

    /** Unsigned little-endian (host order on x86) value of up to 8 bytes. */
    public long toLongLe() {
        long v = 0;
        for (int i = data.length - 1; i >= 0; i--) {
            v = (v << 8) | (data[i] & 0xff);
        }
        return v;
    }

    public String hex() {
        return HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "0x" + hex();
    }
}
