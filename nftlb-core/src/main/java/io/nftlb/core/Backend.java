package io.nftlb.core;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A real server behind a farm. Immutable: every {@code withX}-style step returns a new value.
 *
 * <pre>{@code
 * Backend.at("10.1.0.10").named("b1").weight(100).port(8080)
 * }</pre>
 *
 * @param name unique within its farm; defaults to the address
 * @param address where connections go (same IP version as the farm's virtual addresses)
 * @param port the port to send to; empty keeps the port the client asked for
 * @param weight share of new connections relative to the other backends of its tier (0 = none)
 * @param priority tier: only the lowest-numbered tier with a serving backend gets connections
 * @param state whether it takes new connections
 * @param packetMark a packet mark to set on its connections (for policy routing or QoS)
 * @param sourceAddress the source address to use towards it in sNAT mode (overrides the farm's)
 * @param maxConnections most connections it holds at once; new ones over it are refused (the farm's
 *        limits verdict and log apply)
 */
public record Backend(String name, InetAddress address, OptionalInt port, int weight, int priority,
                      BackendState state, OptionalLong packetMark, Optional<InetAddress> sourceAddress,
                      OptionalInt maxConnections) {

    /** Largest weight: weights are shares of a 10,000-slot table, so more would add nothing. */
    public static final int MAX_WEIGHT = 10_000;
    /** Largest priority tier number. */
    public static final int MAX_PRIORITY = 1_000;

    public Backend {
        Objects.requireNonNull(address, "address");
        String where = "backend \"" + name + "\"";
        Check.backendName(where, name);
        Objects.requireNonNull(port, "port");
        port.ifPresent(p -> Check.port(where, "port", p));
        Check.that(weight >= 0, where, "weight %d must be >= 0", weight);
        Check.that(weight <= MAX_WEIGHT, where, "weight %d must be <= %d", weight, MAX_WEIGHT);
        Check.that(priority >= 1 && priority <= MAX_PRIORITY, where, "priority %d must be within 1..%d",
                priority, MAX_PRIORITY);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(packetMark, "packetMark");
        packetMark.ifPresent(m -> Check.that(m > 0 && m <= 0xffff_ffffL, where,
                "packet mark 0x%x must be within 0x1..0xffffffff", m));
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        sourceAddress.ifPresent(s -> Check.that(Addresses.family(s) == Addresses.family(address), where,
                "source address %s is not of the same IP version as address %s",
                Addresses.text(s), Addresses.text(address)));
        Objects.requireNonNull(maxConnections, "maxConnections");
        maxConnections.ifPresent(n -> Check.that(n >= 1 && n <= Limits.MAX_CONNECTIONS, where,
                "max connections %d must be within 1..%d", n, Limits.MAX_CONNECTIONS));
    }

    /** A backend at a numeric IPv4 or IPv6 address, named after it, weight 1, priority 1, up. */
    public static Backend at(String address) {
        InetAddress a = Addresses.parse("backend \"" + address + "\"", "address", address);
        return new Backend(Addresses.text(a), a, OptionalInt.empty(), 1, 1, BackendState.UP,
                OptionalLong.empty(), Optional.empty(), OptionalInt.empty());
    }

    /** Same as {@link #at(String)} followed by {@link #named(String)}. */
    public static Backend of(String name, String address) {
        return at(address).named(name);
    }

    public Backend named(String value) {
        return new Backend(value, address, port, weight, priority, state, packetMark, sourceAddress, maxConnections);
    }

    public Backend port(int value) {
        Check.port("backend \"" + name + "\"", "port", value);
        return new Backend(name, address, OptionalInt.of(value), weight, priority, state, packetMark,
                sourceAddress, maxConnections);
    }

    public Backend weight(int value) {
        return new Backend(name, address, port, value, priority, state, packetMark, sourceAddress, maxConnections);
    }

    public Backend priority(int value) {
        return new Backend(name, address, port, weight, value, state, packetMark, sourceAddress, maxConnections);
    }

    public Backend state(BackendState value) {
        return new Backend(name, address, port, weight, priority, value, packetMark, sourceAddress, maxConnections);
    }

    public Backend packetMark(long value) {
        return new Backend(name, address, port, weight, priority, state, OptionalLong.of(value),
                sourceAddress, maxConnections);
    }

    public Backend sourceAddress(String value) {
        InetAddress a = Addresses.parse("backend \"" + name + "\"", "source address", value);
        return new Backend(name, address, port, weight, priority, state, packetMark, Optional.of(a), maxConnections);
    }

    /** Refuses new connections while it holds {@code value} connections (counted by conntrack). */
    public Backend maxConnections(int value) {
        return new Backend(name, address, port, weight, priority, state, packetMark, sourceAddress,
                OptionalInt.of(value));
    }

    /** Whether new connections may be scheduled to it (up and weight > 0). */
    public boolean serving() {
        return state.serving() && weight > 0;
    }

    /** The IP version of its address. */
    public IpFamily family() {
        return Addresses.family(address);
    }
}
