package io.nftlb.netlink.internal.lin;

import io.nftlb.core.Protocol;
import java.util.Optional;

/**
 * The IP protocols whose header fields nft reads only after a {@code meta l4proto} match it
 * implies (and that reading back drops again); {@code th} fields imply none.
 */
enum L4Proto {
    TCP("tcp", Protocol.TCP.number()),
    UDP("udp", Protocol.UDP.number()),
    SCTP("sctp", Protocol.SCTP.number()),
    /** IPPROTO_ICMP: not a protocol farms balance, so not one of core's {@link Protocol}s. */
    ICMP("icmp", 1);

    /** The header's name in nft's syntax and in {@code PayloadField.protocol()}. */
    final String header;
    /** The IP protocol number {@code meta l4proto} compares with. */
    final int number;

    L4Proto(String header, int number) {
        this.header = header;
        this.number = number;
    }

    /**
     * Whether reading back names a transport field after this protocol: tcp, udp and sctp
     * (the protocols with ports); the fields of others read back as {@code th} fields.
     */
    boolean hasPorts() {
        return this != ICMP;
    }

    /** The protocol of a transport header named {@code header}; empty for {@code th}. */
    static Optional<L4Proto> ofHeader(String header) {
        for (L4Proto p : values()) {
            if (p.header.equals(header)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The protocol numbered {@code number}, if it has a header of its own here. */
    static Optional<L4Proto> ofNumber(long number) {
        for (L4Proto p : values()) {
            if (p.number == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
