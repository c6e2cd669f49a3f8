package io.nftlb.daemon;

import java.util.ArrayList;
import java.util.List;

/** Collects the unsupported fields of a whole configuration, so they are reported all at once. */
final class Problems {

    private final List<String> lines = new ArrayList<>();

    void unsupported(String where, String field, String value) {
        lines.add(where + ": field \"" + field + "\" = \"" + value + "\" is not supported");
    }

    void unsupported(String where, String field, String value, String why) {
        lines.add(where + ": field \"" + field + "\" = \"" + value + "\" is not supported (" + why + ")");
    }

    int size() {
        return lines.size();
    }

    void throwIfAny() {
        if (!lines.isEmpty()) {
            throw new UnsupportedFieldsException(lines);
        }
    }
}
