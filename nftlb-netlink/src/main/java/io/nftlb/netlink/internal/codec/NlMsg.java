package io.nftlb.netlink.internal.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One received netlink message: a view into a receive buffer. */
public record NlMsg(int type, int flags, int seq, byte[] buf, int offset, int length) {

    /** Splits a received datagram into messages. */
    public static List<NlMsg> parse(byte[] buf, int n) {
        List<NlMsg> out = new ArrayList<>();
        int p = 0;
        while (p + Nl.NLMSG_HDRLEN <= n) {
            int len = Attrs.hostU32(buf, p);
            if (len < Nl.NLMSG_HDRLEN || p + len > n) {
                throw new CodecException("bad netlink message length " + len + " at " + p);
            }
            out.add(new NlMsg(Attrs.hostU16(buf, p + 4), Attrs.hostU16(buf, p + 6), Attrs.hostU32(buf, p + 8), buf,
                    p, len));
            p += Nl.align4(len);
        }
        return out;
    }

    /** The nf_tables family byte of an nfgenmsg payload. */
    public int family() {
        return buf[offset + Nl.NLMSG_HDRLEN] & 0xff;
    }

    /** The attributes after nlmsghdr and nfgenmsg. */
    public Attrs attrs() {
        int start = offset + Nl.NLMSG_HDRLEN + Nl.NFGENMSG_LEN;
        return Attrs.parse(buf, start, Math.max(0, offset + length - start));
    }

    /** For NLMSG_ERROR: the error code (0 = ACK, negative errno otherwise). */
    public int error() {
        return Attrs.hostU32(buf, offset + Nl.NLMSG_HDRLEN);
    }

    /** For NLMSG_ERROR: the sequence number of the request it answers. */
    public int errorSeq() {
        return Attrs.hostU32(buf, offset + Nl.NLMSG_HDRLEN + 4 + 8);
    }

    /** For NLMSG_ERROR: the extended-ack offset (bytes into the failing request), if any. */
    public Optional<Integer> extackOffset() {
        return extack().flatMap(a -> a.find(Nl.NLMSGERR_ATTR_OFFS)).map(Attr::host32);
    }

    /** For NLMSG_ERROR: the extended-ack message text, if any. */
    public Optional<String> extackMessage() {
        return extack().flatMap(a -> a.find(Nl.NLMSGERR_ATTR_MSG)).map(Attr::str);
    }

    private Optional<Attrs> extack() {
        if ((flags & Nl.NLM_F_ACK_TLVS) == 0) {
            return Optional.empty();
        }
        int echoed = (flags & Nl.NLM_F_CAPPED) != 0 ? Nl.NLMSG_HDRLEN
                : Attrs.hostU32(buf, offset + Nl.NLMSG_HDRLEN + 4);
        int start = offset + Nl.NLMSG_HDRLEN + 4 + Nl.align4(echoed);
        int end = offset + length;
        return start < end ? Optional.of(Attrs.parse(buf, start, end - start)) : Optional.empty();
    }
}
