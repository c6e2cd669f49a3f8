package io.nftlb.core;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of client addresses for a {@link Policy}: one address ({@code 10.0.0.3}), a network
 * ({@code 192.168.0.0/16}, {@code fd00:9::/64}) or a range ({@code 10.9.0.1-10.9.0.9}), IPv4 or
 * IPv6. {@link #first()} and {@link #last()} are the block's bounds, both included.
 *
 * @param prefixLength the network's prefix length, or -1 for a range (a single address is a
 *     network of full length)
 */
public record Network(InetAddress first, InetAddress last, int prefixLength) implements Comparable<Network> {

    public Network {
        requireNonNull(first, "first");
        requireNonNull(last, "last");
        if (first.getClass() != last.getClass()) {
            throw new InvalidFarmException("network " + first.getHostAddress() + "-" + last.getHostAddress()
                    + ": both ends must be of one IP version");
        }
    }

    /**
     * Parses {@code ADDRESS}, {@code ADDRESS/LENGTH} or {@code FIRST-LAST}.
     *
     * @throws InvalidFarmException naming the text if it is none of those, if the network has
     *     host bits set ({@code 10.0.0.1/24}), or if a range ends before it starts
     */
    public static Network parse(String text) {
        String where = "network \"" + text + "\"";
        Check.that(text != null && !text.isBlank(), "network", "must not be empty");
        int slash = text.indexOf('/');
        int dash = text.indexOf('-');
        if (slash >= 0) {
            InetAddress a = address(where, text.substring(0, slash));
            int bits = a.getAddress().length * 8;
            int length;
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new InvalidFarmException(where + ": prefix length is not a number");
            }
            Check.that(length >= 0 && length <= bits, where, "prefix length %d must be within 0..%d", length, bits);
            InetAddress last = withHostBits(a, length, true);
            Check.that(a.equals(withHostBits(a, length, false)), where,
                    "has host bits set (the network is %s/%d)", Addresses.text(withHostBits(a, length, false)), length);
            return new Network(a, last, length);
        }
        if (dash >= 0) {
            InetAddress first = address(where, text.substring(0, dash));
            InetAddress last = address(where, text.substring(dash + 1));
            Check.that(first.getClass() == last.getClass(), where, "both ends must be of one IP version");
            Check.that(compare(first, last) <= 0, where, "ends before it starts");
            return first.equals(last) ? of(first) : new Network(first, last, -1);
        }
        return of(address(where, text));
    }

    /** One address. */
    public static Network of(InetAddress address) {
        return new Network(address, address, address.getAddress().length * 8);
    }

    /** Whether this is an IPv6 block. */
    public boolean ipv6() {
        return !(first instanceof Inet4Address);
    }

    /** Whether the two blocks share an address. */
    public boolean overlaps(Network other) {
        return ipv6() == other.ipv6() && compare(first, other.last) <= 0 && compare(other.first, last) <= 0;
    }

    /** IPv4 before IPv6, then by first address, then by last. */
    @Override
    public int compareTo(Network o) {
        if (ipv6() != o.ipv6()) {
            return ipv6() ? 1 : -1;
        }
        int c = compare(first, o.first);
        return c != 0 ? c : compare(last, o.last);
    }

    /** As it was written, e.g. {@code 192.168.0.0/16}. */
    @Override
    public String toString() {
        if (first.equals(last)) {
            return Addresses.text(first);
        }
        return prefixLength >= 0 ? Addresses.text(first) + "/" + prefixLength
                : Addresses.text(first) + "-" + Addresses.text(last);
    }

    private static InetAddress address(String where, String text) {
        String t = text.strip();
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.]+");
        Check.that(v4 || v6, where, "\"%s\" is not an IPv4 or IPv6 address", t);
        try {
            InetAddress a = InetAddress.getByName(t); // numeric only: checked above, no DNS lookup
            Check.that(v4 == (a instanceof Inet4Address), where, "\"%s\" is not a valid address", t);
            return a;
        } catch (UnknownHostException e) {
            throw new InvalidFarmException(where + ": \"" + t + "\" is not a valid address");
        }
    }

    private static InetAddress withHostBits(InetAddress a, int length, boolean set) {
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - 8 * i));
            int hostMask = 0xff >>> keep;
            b[i] = (byte) (set ? (b[i] | hostMask) : (b[i] & ~hostMask));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // cannot happen: 4 or 16 bytes
        }
    }

    private static int compare(InetAddress a, InetAddress b) {
        return Arrays.compareUnsigned(a.getAddress(), b.getAddress());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && first.equals(n.first) && last.equals(n.last)
                && prefixLength == n.prefixLength;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(first.getAddress()) * 31 + Arrays.hashCode(last.getAddress());
    }
}
