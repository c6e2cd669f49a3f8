package io.nftlb.testkit.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP addresses as text the way {@code ip} and {@code nft} print them: IPv4 dotted, IPv6
 * compressed (RFC 5952: {@code fd00::2}, not Java's {@code fd00:0:0:0:0:0:0:2}), and an
 * IPv4 peer of a dual-stack socket ({@code ::ffff:10.0.0.2}) as plain IPv4.
 */
public final class AddressText {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    private AddressText() {}

    /** The canonical text of {@code address}. */
    public static String of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(bytes, 0);
        }
        if (isIpv4Mapped(bytes)) {
            return ipv4(bytes, 12);
        }
        return ipv6(bytes);
    }

    /**
     * Parses an IP address literal, never a host name (so no DNS lookup can happen).
     *
     * @throws IllegalArgumentException if {@code literal} is not an IPv4 or IPv6 literal
     */
    public static InetAddress parse(String literal) {
        if (literal == null || !(IPV4.matcher(literal).matches() || literal.contains(":") && IPV6.matcher(literal).matches())) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal, e);
        }
    }

    /** The canonical text of an address literal ({@code fd00:0::02} becomes {@code fd00::2}). */
    public static String canonical(String literal) {
        return of(parse(literal));
    }

    /** Whether {@code address} is an IPv6 address (and not an IPv4-mapped one). */
    public static boolean isIpv6(InetAddress address) {
        return address instanceof Inet6Address && !isIpv4Mapped(address.getAddress());
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static String ipv4(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) + "." + (bytes[offset + 1] & 0xff) + "." + (bytes[offset + 2] & 0xff) + "."
                + (bytes[offset + 3] & 0xff);
    }

    private static String ipv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        // RFC 5952: "::" replaces the longest run of two or more zero groups, the first if tied.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
