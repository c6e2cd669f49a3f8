package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.Family;
import java.util.Optional;

/**
 * The network protocols a table of several (inet, netdev) tells apart before it reads a network
 * header field: inet by an implied {@code meta nfproto} match, netdev by an implied
 * {@code meta protocol} (ethertype) match.
 */
enum NfProto {
    IPV4("ip", Family.IP.nfproto(), 0x0800),
    IPV6("ip6", Family.IP6.nfproto(), 0x86dd);

    /** The header's name in nft's syntax and in {@code PayloadField.protocol()}. */
    final String header;
    /** NFPROTO_IPV4 / NFPROTO_IPV6, as {@code meta nfproto} compares with. */
    final int number;
    /** ETH_P_IP / ETH_P_IPV6, as {@code meta protocol} compares with (big-endian). */
    final int ethertype;

    NfProto(String header, int number, int ethertype) {
        this.header = header;
        this.number = number;
        this.ethertype = ethertype;
    }

    /** The protocol of a network header field ({@code ip} or {@code ip6}). */
    static NfProto ofHeader(String header) {
        return header.equals(IPV4.header) ? IPV4 : IPV6;
    }

    /** The protocol {@code meta nfproto} names with {@code number}, if it is one of these. */
    static Optional<NfProto> ofNumber(long number) {
        for (NfProto p : values()) {
            if (p.number == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The protocol an ethertype names, if it is one of these. */
    static Optional<NfProto> ofEthertype(int ethertype) {
        for (NfProto p : values()) {
            if (p.ethertype == ethertype) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
