package io.nftlb.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Argument checks that fail with {@link InvalidFarmException} naming the field and value.
 * Package-private: the public face is the exception.
 */
final class Check {

    private Check() {}

    static void that(boolean condition, String where, String format, Object... args) {
        if (!condition) {
            throw new InvalidFarmException(where + ": " + String.format(Locale.ROOT, format, args));
        }
    }

    /** A farm name: it becomes part of an nft chain name, so only nft identifier characters. */
    // Compiled once: every Farm and Backend value checks its name, and the runtime builds many.
    private static final Pattern FARM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern BACKEND_NAME = Pattern.compile("[A-Za-z0-9:][A-Za-z0-9_.:-]*");

    static String name(String where, String field, String value) {
        return name(where, field, value, FARM_NAME, "'_', '.', '-'");
    }

    /** A backend name: never part of an nft name, so an IPv6 address may serve as one. */
    static String backendName(String where, String value) {
        return name(where, "name", value, BACKEND_NAME, "'_', '.', ':', '-'");
    }

    private static String name(String where, String field, String value, Pattern pattern, String punctuation) {
        that(value != null && !value.isEmpty(), where, "%s must not be empty", field);
        that(value.length() <= 48, where, "%s \"%s\" is longer than 48 characters", field, value);
        that(pattern.matcher(value).matches(), where,
                "%s \"%s\" may only have letters, digits, %s and must start with a letter or digit",
                field, value, punctuation);
        return value;
    }

    static int port(String where, String field, int port) {
        that(port >= 1 && port <= 65535, where, "%s %d must be within 1..65535", field, port);
        return port;
    }
}
