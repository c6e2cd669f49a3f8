package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Where two JSON values differ, as JSON pointers with both sides. */
final class JsonDiff {

    /** One difference: the pointer ({@code ""} for the root) and each side (null: absent). */
    record Difference(String pointer, JsonNode theirs, JsonNode ours) {
        @Override
        public String toString() {
            return (pointer.isEmpty() ? "/" : pointer) + ": nftlb " + show(theirs) + ", daemon " + show(ours);
        }

        private static String show(JsonNode n) {
            return n == null ? "(absent)" : ConfigMapper.abbreviate(n.toString());
        }
    }

    private JsonDiff() {}

    static List<Difference> of(JsonNode theirs, JsonNode ours) {
        List<Difference> out = new ArrayList<>();
        walk("", theirs, ours, out);
        return out;
    }

    private static void walk(String at, JsonNode a, JsonNode b, List<Difference> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(at + "/" + k.replace("~", "~0").replace("/", "~1"), a.get(k), b.get(k), out);
            }
        } else if (a != null && b != null && a.isArray() && b.isArray()) {
            Iterator<JsonNode> x = a.iterator();
            Iterator<JsonNode> y = b.iterator();
            for (int i = 0; x.hasNext() || y.hasNext(); i++) {
                walk(at + "/" + i, x.hasNext() ? x.next() : null, y.hasNext() ? y.next() : null, out);
            }
        } else if (a == null || b == null || !a.equals(b)) {
            out.add(new Difference(at, a, b));
        }
    }
}
