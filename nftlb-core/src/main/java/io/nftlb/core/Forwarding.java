package io.nftlb.core;

import java.net.InetAddress;
import java.util.Optional;

/** How packets reach a backend, and what source address the backend sees. */
public sealed interface Forwarding {

    /**
     * Destination NAT: backends see the client's address and must route replies back through us.
     *
     * @param hairpin whether a connection from one of the farm's backends to the farm's service
     *     is masqueraded to the balancer's address: otherwise the chosen backend would answer the
     *     caller directly, which drops a reply that does not come from the virtual address
     */
    record Dnat(boolean hairpin) implements Forwarding {}

    /**
     * Destination and source NAT: backends see the balancer's address, so they need no route
     * back. Masquerade (the outgoing interface's address) unless a source address is given.
     */
    record Snat(Optional<InetAddress> sourceAddress) implements Forwarding {
        public Snat {
            java.util.Objects.requireNonNull(sourceAddress, "sourceAddress");
        }
    }

    /** Direct server return: rewrite the destination MAC at ingress; backends answer clients directly. */
    record Dsr() implements Forwarding {}

    /** Destination NAT without conntrack, at ingress, with the reply path rewritten back. */
    record StatelessDnat() implements Forwarding {}

    /** Redirect to a port of this host (backends are local ports). */
    record Local() implements Forwarding {}

    /**
     * To this host as addressed (nftlb's {@code local} mode): the farm is a service of this host,
     * its packets are neither scheduled nor NATed and reach the host's own socket on the virtual
     * address and port. What the farm adds are its guards: its limits, strict TCP, log and the
     * policies that name it. Such a farm has no backends, persistence or static sessions.
     */
    record Host() implements Forwarding {}

    /** Short name for messages and explain output. */
    default String keyword() {
        return switch (this) {
            case Dnat d -> "dnat";
            case Snat s -> s.sourceAddress().map(a -> "snat to " + Addresses.text(a)).orElse("snat (masquerade)");
            case Dsr d -> "dsr";
            case StatelessDnat s -> "stateless dnat";
            case Local l -> "local";
            case Host h -> "host";
        };
    }

    /**
     * Whether the farm is served at netdev ingress (DSR, stateless dNAT), in the library's netdev
     * table, rather than in its inet table. This is the one definition the compiler, the runtime
     * and the daemon use. Such a farm's packets are forwarded before conntrack sees them, so
     * nothing that needs conntrack is theirs: marks, persistence by conntrack, limits, helpers,
     * inspection queues.
     */
    default boolean servedAtIngress() {
        return this instanceof StatelessDnat || this instanceof Dsr;
    }
}
