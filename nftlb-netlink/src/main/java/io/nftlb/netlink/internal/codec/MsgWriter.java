package io.nftlb.netlink.internal.codec;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends netlink messages and attributes to a growable buffer. Headers ({@code nlmsghdr},
 * {@code nlattr}) are in host order; the {@code be*} methods write numeric nf_tables
 * attributes in network order, as the kernel expects. Every attribute is padded to 4 bytes.
 * Nests carry {@code NLA_F_NESTED} and get their length patched when they end.
 */
public final class MsgWriter {

    private static final boolean LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private byte[] buf;
    private int pos;

    public MsgWriter() {
        this(4096);
    }

    public MsgWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    /**
     * Writes into {@code buffer} from its start, and into a bigger copy once it is full (see
     * {@link #array()}): a caller that encodes many large batches keeps the grown array instead
     * of growing a new one from a few KB each time. Every byte up to {@link #position()} is
     * written, padding included, so what the buffer held before does not matter.
     */
    public MsgWriter(byte[] buffer) {
        buf = buffer.length >= 64 ? buffer : new byte[64];
    }

    public int position() {
        return pos;
    }

    /** The bytes written so far (shares nothing with this writer). */
    public Bytes toBytes() {
        return Bytes.of(buf, 0, pos);
    }

    /** The backing array; valid up to {@link #position()}. */
    public byte[] array() {
        return buf;
    }

    public void reset() {
        pos = 0;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void hostU16At(int at, int v) {
        if (LE) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
        } else {
            buf[at] = (byte) (v >>> 8);
            buf[at + 1] = (byte) v;
        }
    }

    private void hostU32At(int at, int v) {
        if (LE) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
            buf[at + 2] = (byte) (v >>> 16);
            buf[at + 3] = (byte) (v >>> 24);
        } else {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }
    }

    private void pad() {
        int p = Nl.align4(pos);
        ensure(p - pos);
        while (pos < p) {
            buf[pos++] = 0;
        }
    }

    // ---- messages

    /**
     * Starts a message with an nfgenmsg header.
     *
     * @return the message start, for {@link #endMsg}
     */
    public int beginMsg(int type, int flags, int seq, int family, int resId) {
        pad();
        int start = pos;
        ensure(Nl.NLMSG_HDRLEN + Nl.NFGENMSG_LEN);
        hostU32At(pos, 0);
        hostU16At(pos + 4, type);
        hostU16At(pos + 6, flags);
        hostU32At(pos + 8, seq);
        hostU32At(pos + 12, 0);
        buf[pos + 16] = (byte) family;
        buf[pos + 17] = 0; // NFNETLINK_V0
        buf[pos + 18] = (byte) (resId >>> 8);
        buf[pos + 19] = (byte) resId;
        pos += 20;
        return start;
    }

    public void endMsg(int start) {
        hostU32At(start, pos - start);
        pad();
    }

    // ---- attributes

    private void header(int type, int payloadLen) {
        int len = Nl.NLA_HDRLEN + payloadLen;
        if (len > 0xffff) {
            throw new CodecException("attribute " + type + " too long: " + len + " bytes");
        }
        ensure(Nl.align4(len));
        hostU16At(pos, len);
        hostU16At(pos + 2, type);
        pos += Nl.NLA_HDRLEN;
    }

    public MsgWriter bytes(int type, byte[] v, int off, int len) {
        header(type, len);
        System.arraycopy(v, off, buf, pos, len);
        pos += len;
        pad();
        return this;
    }

    public MsgWriter bytes(int type, Bytes v) {
        byte[] a = v.unsafeArray();
        return bytes(type, a, 0, a.length);
    }

    /**
     * A big-endian u32 attribute, left out when {@code v} is 0: the kernel reads an absent
     * register or flags attribute as 0, and nft sends none, so listings compare equal.
     */
    public MsgWriter be32IfSet(int type, long v) {
        return v == 0 ? this : be32(type, v);
    }

    /** A NUL-terminated string. */
    public MsgWriter str(int type, String v) {
        byte[] s = v.getBytes(StandardCharsets.UTF_8);
        header(type, s.length + 1);
        System.arraycopy(s, 0, buf, pos, s.length);
        buf[pos + s.length] = 0;
        pos += s.length + 1;
        pad();
        return this;
    }

    public MsgWriter be32(int type, long v) {
        header(type, 4);
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
        pos += 4;
        return this;
    }

    public MsgWriter be64(int type, long v) {
        header(type, 8);
        for (int i = 0; i < 8; i++) {
            buf[pos + i] = (byte) (v >>> (56 - 8 * i));
        }
        pos += 8;
        return this;
    }

    public MsgWriter u8(int type, int v) {
        header(type, 1);
        buf[pos++] = (byte) v;
        pad();
        return this;
    }

    /** A host-order u32 (rare in nf_tables: only where the kernel says so). */
    public MsgWriter host32(int type, int v) {
        header(type, 4);
        hostU32At(pos, v);
        pos += 4;
        return this;
    }

    /** Starts a nest; returns its start for {@link #endNest}. */
    public int beginNest(int type) {
        pad();
        int start = pos;
        header(type | Nl.NLA_F_NESTED, 0);
        return start;
    }

    public void endNest(int start) {
        int len = pos - start;
        if (len > 0xffff) {
            throw new CodecException("nest " + (type(start)) + " too long: " + len + " bytes");
        }
        hostU16At(start, len);
    }

    private int type(int at) {
        return LE ? (buf[at + 2] & 0xff) | (buf[at + 3] & 0xff) << 8 : (buf[at + 2] & 0xff) << 8 | (buf[at + 3] & 0xff);
    }

    /** Writes a nest whose content {@code body} writes. */
    public MsgWriter nest(int type, Runnable body) {
        int n = beginNest(type);
        body.run();
        endNest(n);
        return this;
    }

    /** Raw bytes, already laid out as attributes (e.g. an opaque expression's data). */
    public MsgWriter raw(Bytes v) {
        byte[] a = v.unsafeArray();
        ensure(a.length);
        System.arraycopy(a, 0, buf, pos, a.length);
        pos += a.length;
        pad();
        return this;
    }

    /** Where a future {@code bytes} payload of this writer will be; for truncation on overflow. */
    public void truncate(int position) {
        pos = position;
    }

    /**
     * Appends whole messages written by another writer (4-byte aligned, as every message ends)
     * and returns where they start here.
     */
    public int appendMessages(MsgWriter other) {
        pad();
        int at = pos;
        ensure(other.pos);
        System.arraycopy(other.buf, 0, buf, pos, other.pos);
        pos += other.pos;
        return at;
    }

    /** Overwrites the sequence number of the message that starts at {@code msgStart}. */
    public void setSeq(int msgStart, int seq) {
        hostU32At(msgStart + 8, seq);
    }
}
