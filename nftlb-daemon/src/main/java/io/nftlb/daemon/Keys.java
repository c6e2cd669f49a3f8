package io.nftlb.daemon;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The API key: a non-empty text, compared in constant time with the bytes of the client's
 * {@code Key} header read as UTF-8 (so a non-ASCII key matches a client that sends it as UTF-8).
 */
final class Keys {

    private Keys() {}

    /**
     * The key's bytes.
     *
     * @throws IllegalArgumentException if it is empty: an empty key would let an empty header in
     */
    static byte[] bytes(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the key must not be empty");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a header value (as the server decoded it: each byte one ISO-8859-1 character)
     * carries the key.
     */
    static boolean matches(byte[] key, String header) {
        return header != null && MessageDigest.isEqual(key, header.getBytes(StandardCharsets.ISO_8859_1));
    }
}
