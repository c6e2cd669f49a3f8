package io.nftlb.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Keeps a client on the backend it was first sent to, for {@code ttl} after its last new
 * connection (at ingress, for DSR and stateless dNAT farms, after its last packet), while that
 * backend serves. The key says what identifies "a client".
 *
 * <p>For IPv6 farms the remembered key is longer than 16 bytes, which the kernel accepts but
 * nft 1.0.6 cannot load (it aborts in netlink_linearize.c): such rulesets need the netlink
 * transport, though {@code nft list ruleset} still prints them.
 */
public record Persistence(Key key, Duration ttl) {

    /** What identifies a client. Each key is scoped to the farm's address and port. */
    public enum Key {
        /** The client's address (LVS {@code -p}, nftlb {@code srcip}). */
        SOURCE_ADDRESS,
        /** The client's address and port (nftlb {@code srcip-srcport}). */
        SOURCE_ADDRESS_PORT,
        /** The destination address and port: all clients of one virtual address share a backend. */
        DESTINATION,
        /** The client's Ethernet address (nftlb {@code srcmac}); for clients on the same link. */
        SOURCE_MAC
    }

    /** Longest TTL accepted: a day. */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    public Persistence {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ttl, "ttl");
        Check.that(!ttl.isNegative() && !ttl.isZero() && ttl.compareTo(MAX_TTL) <= 0, "persistence",
                "ttl %s must be within 1ms..%s", ttl, MAX_TTL);
        Check.that(ttl.toMillis() > 0, "persistence", "ttl %s must be at least 1ms", ttl);
    }

    public static Persistence bySourceAddress(Duration ttl) {
        return new Persistence(Key.SOURCE_ADDRESS, ttl);
    }
}
