package io.nftlb.netlink.internal.msg;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * libnftnl's user-data TLVs ({@code struct nftnl_udata}: u8 type, u8 len, value; no padding),
 * which the kernel stores without reading and nft uses to print sets and rules. Integers are
 * host-order u32.
 */
public final class Udata {
    private Udata() {}

    /** One TLV. */
    public record Tlv(int type, Bytes value) {
        public long u32() {
            if (value.length() != 4) {
                throw new CodecException("udata " + type + ": expected 4 bytes, got " + value.length());
            }
            return value.toLongLe();
        }

        public String str() {
            byte[] b = value.toArray();
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }

        public List<Tlv> nested() {
            return parse(value);
        }
    }

    public static List<Tlv> parse(Bytes b) {
        List<Tlv> out = new ArrayList<>();
        int p = 0;
        while (p < b.length()) {
            if (p + 2 > b.length()) {
                throw new CodecException("truncated udata TLV at " + p);
            }
            int type = b.get(p) & 0xff;
            int len = b.get(p + 1) & 0xff;
            if (p + 2 + len > b.length()) {
                throw new CodecException("udata TLV " + type + " overruns at " + p);
            }
            out.add(new Tlv(type, b.slice(p + 2, p + 2 + len)));
            p += 2 + len;
        }
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a TLV string. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Builder u32(int type, long v) {
            return put(type, new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
        }

        public Builder str(int type, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[b.length + 1];
            System.arraycopy(b, 0, z, 0, b.length);
            return put(type, z);
        }

        public Builder nest(int type, Bytes inner) {
            return put(type, inner.toArray());
        }

        public Builder put(int type, byte[] v) {
            if (v.length > 255) {
                throw new CodecException("udata TLV " + type + " too long: " + v.length);
            }
            out.write(type);
            out.write(v.length);
            out.writeBytes(v);
            return this;
        }

        public Bytes build() {
            return Bytes.of(out.toByteArray());
        }
    }
}
