package io.nftlb.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A client by its address and source port: the key of a static session pinned to one of a
 * client's connections rather than to all of them (nftlb's sessions of a farm with persistence
 * {@code srcip srcport}).
 *
 * @param address the client's address
 * @param port its source port, 1..65535
 */
public record ClientPort(InetAddress address, int port) {

    public ClientPort {
        Objects.requireNonNull(address, "address");
        Check.that(port >= 1 && port <= 65535, "static session", "client port %d must be within 1..65535", port);
    }

    /** As nft writes such a key: {@code 192.0.2.7 . 40123}. */
    @Override
    public String toString() {
        return Addresses.text(address) + " . " + port;
    }
}
