package io.nftlb.core;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses numeric IPv4/IPv6 addresses without ever resolving a host name. */
final class Addresses {

    private Addresses() {}

    /**
     * One instance per address: farms often share backends (one pool behind many ports), and a
     * runtime holding 10,000 farms then keeps each address once. Weak, so addresses no farm
     * uses any more go. Text without a scope id ({@code %eth0}) is all {@link #parse} takes, so
     * equal addresses are the same address.
     */
    private static final Interner<InetAddress> ADDRESSES = Interners.newWeakInterner();

    static InetAddress parse(String where, String field, String text) {
        Check.that(text != null && !text.isBlank(), where, "%s must not be empty", field);
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        Check.that(v4 || v6, where, "%s \"%s\" is not an IPv4 or IPv6 address", field, text);
        try {
            InetAddress a = InetAddress.getByName(text); // numeric only: checked above, no DNS lookup
            Check.that(v4 == (a instanceof Inet4Address), where, "%s \"%s\" is not a valid address", field, text);
            Check.that(!a.isAnyLocalAddress(), where, "%s %s must not be the wildcard address", field, text);
            Check.that(!a.isMulticastAddress(), where, "%s %s must not be a multicast address", field, text);
            return ADDRESSES.intern(a);
        } catch (UnknownHostException e) {
            throw new InvalidFarmException(where + ": " + field + " \"" + text + "\" is not a valid address");
        }
    }

    /** An address as people write it: {@code fd00::1}, not Java's {@code fd00:0:0:0:0:0:0:1}. */
    static String text(InetAddress a) {
        return io.nftlb.core.render.NftText.address(a);
    }

    static IpFamily family(InetAddress a) {
        return a instanceof Inet6Address ? IpFamily.IPV6 : IpFamily.IPV4;
    }
}
