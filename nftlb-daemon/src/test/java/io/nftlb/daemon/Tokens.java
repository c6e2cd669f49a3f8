package io.nftlb.daemon;

import java.util.regex.Pattern;

/** Looks for an address (IPv4, IPv6 or MAC) in a ruleset as a whole token, not as a prefix of a longer one. */
final class Tokens {

    private Tokens() {}

    /**
     * Whether {@code token} occurs in {@code text} with no address character right before it, and
     * none right after it except a dot that ends a sentence: 192.168.0.10 is in "192.168.0.10 }"
     * and "192.168.0.10/24" but not in "192.168.0.100" or "192.168.0.10.1".
     */
    static boolean contains(String text, String token) {
        return Pattern.compile("(?<![0-9A-Za-z.:])" + Pattern.quote(token) + "(?![0-9A-Za-z:]|\\.[0-9A-Za-z])")
                .matcher(text).find();
    }
}
