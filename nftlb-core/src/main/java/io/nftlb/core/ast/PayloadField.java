package io.nftlb.core.ast;

import static io.nftlb.core.ast.DataType.ETHER_ADDR;
import static io.nftlb.core.ast.DataType.INET_PROTO;
import static io.nftlb.core.ast.DataType.INET_SERVICE;
import static io.nftlb.core.ast.DataType.INTEGER;
import static io.nftlb.core.ast.DataType.IPV4_ADDR;
import static io.nftlb.core.ast.DataType.IPV6_ADDR;
import static io.nftlb.core.ast.DataType.TCP_FLAG;

/**
 * A packet header field that rules can match or set ({@code ip daddr}, {@code tcp dport}...):
 * which header it lives in, at what byte offset, how wide, and its data type.
 *
 * <p>{@link #protocol()} says which protocol must be matched before the field is read;
 * the linearizer adds that dependency ({@code meta nfproto ipv4} in an inet table,
 * {@code meta l4proto tcp} before {@code tcp dport}) the way nft does.
 */
public enum PayloadField {
    ETHER_SADDR(Header.LINK, "ether", "saddr", 6, 6, ETHER_ADDR),
    ETHER_DADDR(Header.LINK, "ether", "daddr", 0, 6, ETHER_ADDR),
    IP_PROTOCOL(Header.NETWORK, "ip", "protocol", 9, 1, INET_PROTO),
    IP_SADDR(Header.NETWORK, "ip", "saddr", 12, 4, IPV4_ADDR),
    IP_DADDR(Header.NETWORK, "ip", "daddr", 16, 4, IPV4_ADDR),
    IP6_NEXTHDR(Header.NETWORK, "ip6", "nexthdr", 6, 1, INET_PROTO),
    IP6_SADDR(Header.NETWORK, "ip6", "saddr", 8, 16, IPV6_ADDR),
    IP6_DADDR(Header.NETWORK, "ip6", "daddr", 24, 16, IPV6_ADDR),
    TCP_SPORT(Header.TRANSPORT, "tcp", "sport", 0, 2, INET_SERVICE),
    TCP_DPORT(Header.TRANSPORT, "tcp", "dport", 2, 2, INET_SERVICE),
    TCP_FLAGS(Header.TRANSPORT, "tcp", "flags", 13, 1, TCP_FLAG),
    UDP_SPORT(Header.TRANSPORT, "udp", "sport", 0, 2, INET_SERVICE),
    UDP_DPORT(Header.TRANSPORT, "udp", "dport", 2, 2, INET_SERVICE),
    SCTP_SPORT(Header.TRANSPORT, "sctp", "sport", 0, 2, INET_SERVICE),
    SCTP_DPORT(Header.TRANSPORT, "sctp", "dport", 2, 2, INET_SERVICE),
    /** Transport header without a protocol dependency: any of tcp, udp, sctp, udplite, dccp. */
    TH_SPORT(Header.TRANSPORT, "th", "sport", 0, 2, INET_SERVICE),
    TH_DPORT(Header.TRANSPORT, "th", "dport", 2, 2, INET_SERVICE),
    ICMP_TYPE(Header.TRANSPORT, "icmp", "type", 0, 1, INTEGER);

    /** The header a payload field is relative to (NFT_PAYLOAD_*_HEADER). */
    public enum Header { LINK, NETWORK, TRANSPORT }

    private final Header header;
    private final String protocol;
    private final String field;
    private final int offset;
    private final int length;
    private final DataType type;

    PayloadField(Header header, String protocol, String field, int offset, int length, DataType type) {
        this.header = header;
        this.protocol = protocol;
        this.field = field;
        this.offset = offset;
        this.length = length;
        this.type = type;
    }

    public Header header() {
        return header;
    }

    /** The protocol keyword nft prints before the field: {@code ip}, {@code tcp}, {@code th}... */
    public String protocol() {
        return protocol;
    }

    /** The field keyword nft prints: {@code daddr}, {@code dport}... */
    public String field() {
        return field;
    }

    /** Byte offset of the field from the start of its header. */
    public int offset() {
        return offset;
    }

    /** Width of the field in bytes. */
    public int length() {
        return length;
    }

    public DataType type() {
        return type;
    }

    /** The field as nft writes it, e.g. {@code ip daddr}. */
    public String text() {
        return protocol + " " + field;
    }
}
