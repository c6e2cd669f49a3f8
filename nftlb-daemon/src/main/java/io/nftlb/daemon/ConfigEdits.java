package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Edits an nftlb configuration the way nftlb's API does: a posted object is merged into the
 * one of the same name (its fields replace those given, its backends and sessions are merged
 * by name and client), and deletions remove one object.
 */
final class ConfigEdits {

    /** The sections of a configuration and the key that names their objects. */
    static final Map<String, String> SECTIONS = Map.of("farms", "name", "addresses", "name", "policies", "name");
    /** The lists inside a farm (each has its own API path), merged by their key rather than replaced. */
    static final Map<String, String> FARM_LISTS = Map.of(
            "backends", "name", "sessions", "client", "addresses", "name", "policies", "name");

    private ConfigEdits() {}

    /** An empty configuration with every section. */
    static ObjectNode empty() {
        ObjectNode root = ConfigMapper.JSON.createObjectNode();
        root.putArray("farms");
        root.putArray("addresses");
        root.putArray("policies");
        return root;
    }

    /** Merges {@code body} (same shape as a configuration) into {@code config}. */
    static void merge(ObjectNode config, JsonNode body) {
        for (var section : body.properties()) {
            String key = SECTIONS.get(section.getKey());
            if (key == null || !section.getValue().isArray()) {
                throw new ConfigException("field \"" + section.getKey() + "\" must be one of "
                        + SECTIONS.keySet() + ", holding a list");
            }
            ArrayNode target = list(config, section.getKey());
            for (JsonNode object : section.getValue()) {
                requireObject(object, section.getKey());
                mergeInto(target, key, (ObjectNode) object, section.getKey().equals("farms") ? FARM_LISTS : Map.of());
            }
        }
    }

    private static void mergeInto(ArrayNode target, String key, ObjectNode object, Map<String, String> lists) {
        String id = object.path(key).asText("");
        if (id.isEmpty()) {
            throw new ConfigException("every object needs its \"" + key + "\": " + object);
        }
        Optional<ObjectNode> existing = find(target, key, id);
        if (existing.isEmpty()) {
            target.add(object.deepCopy());
            return;
        }
        for (var field : object.properties()) {
            String listKey = lists.get(field.getKey());
            if (listKey != null && field.getValue().isArray()) {
                ArrayNode inner = list(existing.get(), field.getKey());
                for (JsonNode o : field.getValue()) {
                    requireObject(o, field.getKey());
                    mergeInto(inner, listKey, (ObjectNode) o, Map.of());
                }
            } else {
                existing.get().set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /** The object of {@code section} named {@code id}. */
    static Optional<ObjectNode> find(JsonNode config, String section, String key, String id) {
        JsonNode list = config.get(section);
        return list == null || !list.isArray() ? Optional.empty() : find((ArrayNode) list, key, id);
    }

    private static Optional<ObjectNode> find(ArrayNode list, String key, String id) {
        for (JsonNode o : list) {
            if (o.isObject() && id.equals(o.path(key).asText())) {
                return Optional.of((ObjectNode) o);
            }
        }
        return Optional.empty();
    }

    /** Removes the object named {@code id} from a list of {@code parent}; false if there was none. */
    static boolean remove(ObjectNode parent, String list, String key, String id) {
        JsonNode node = parent.get(list);
        if (node == null || !node.isArray()) {
            return false;
        }
        for (Iterator<JsonNode> it = node.iterator(); it.hasNext(); ) {
            if (id.equals(it.next().path(key).asText())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private static ArrayNode list(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isArray() ? (ArrayNode) node : parent.putArray(field);
    }

    private static void requireObject(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new ConfigException("field \"" + field + "\" must hold objects, not " + node);
        }
    }
}
