package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.PortRange;
import java.util.ArrayList;
import java.util.List;

/** Parses nftlb's field values: nftlb writes numbers as strings, marks in hex, ports as lists and ranges. */
final class Values {

    private Values() {}

    /** The text of a scalar field; nftlb accepts {@code "5"} and {@code 5} alike. */
    static String text(String where, String field, JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isValueNode()) {
            throw ConfigException.field(where, field, ConfigMapper.abbreviate(node.toString()), "must be a string");
        }
        return node.asText().trim();
    }

    static int integer(String where, String field, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigException.field(where, field, value, "is not a number");
        }
    }

    /** A mark such as {@code 0x0000001} or {@code 0xdead}; nftlb reads marks in hex, with or without 0x. */
    static long mark(String where, String field, String value) {
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw ConfigException.field(where, field, value, "is not a hexadecimal mark");
        }
    }

    /**
     * {@code "80"}, {@code "80,81"}, {@code "80-88,90-95,96"}; empty means every port. Empty
     * items are skipped, as nftlb skips them ({@code ",,"} is every port).
     */
    static List<PortRange> ports(String where, String field, String value) {
        List<PortRange> ranges = new ArrayList<>();
        if (value.isEmpty()) {
            return ranges;
        }
        for (String part : value.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            try {
                ranges.add(dash < 0 ? PortRange.of(Integer.parseInt(p))
                        : new PortRange(Integer.parseInt(p.substring(0, dash).trim()),
                                Integer.parseInt(p.substring(dash + 1).trim())));
            } catch (RuntimeException e) {
                throw ConfigException.field(where, field, value, "is not a port list (" + e.getMessage() + ")");
            }
        }
        return ranges;
    }
}
