package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Edits an nftlb configuration the way nftlb's API does: a posted object is merged into the
 * one of the same name (its fields replace those given, its backends and sessions are merged
 * by name and client), and deletions remove one object.
 *
 * <p>Edits replace the objects they change with changed copies, and never modify an object in
 * place: so an edit of a {@link #shallowCopy} leaves the original configuration as it was, and
 * an object that is the same instance in both is unchanged (what the daemon maps again is only
 * what is not).
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

    /** A configuration whose section lists are new lists of the same objects: edit it, not the original. */
    static ObjectNode shallowCopy(ObjectNode config) {
        ObjectNode copy = ConfigMapper.JSON.createObjectNode();
        for (var section : config.properties()) {
            JsonNode value = section.getValue();
            if (value instanceof ArrayNode list) {
                ArrayNode elements = copy.putArray(section.getKey());
                list.forEach(elements::add);
            } else {
                copy.set(section.getKey(), value);
            }
        }
        return copy;
    }

    /**
     * The object of {@code section} named {@code id}, to change: it is replaced in its list by a
     * copy, which is returned.
     */
    static Optional<ObjectNode> editable(ObjectNode config, String section, String key, String id) {
        JsonNode list = config.get(section);
        return list instanceof ArrayNode array ? copyOf(array, key, id) : Optional.empty();
    }

    private static Optional<ObjectNode> copyOf(ArrayNode list, String key, String id) {
        for (int i = 0; i < list.size(); i++) {
            JsonNode o = list.get(i);
            if (o.isObject() && id.equals(o.path(key).asText())) {
                ObjectNode copy = o.deepCopy();
                list.set(i, copy);
                return Optional.of(copy);
            }
        }
        return Optional.empty();
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
                boolean farms = section.getKey().equals("farms");
                mergeInto(target, key, (ObjectNode) object, farms ? FARM_LISTS : Map.of(),
                        farms ? FarmFields.ALL.keySet() : Set.of());
            }
        }
    }

    /**
     * @param valueFields the object's fields that hold a value, read as nftlb reads a list given
     *     for one (any other field is kept as given, to be reported when mapped)
     */
    private static void mergeInto(ArrayNode target, String key, ObjectNode object, Map<String, String> lists,
                                  Set<String> valueFields) {
        String id = requireName(object, key);
        Optional<ObjectNode> existing = find(target, key, id).isPresent() ? copyOf(target, key, id) : Optional.empty();
        if (existing.isEmpty()) {
            // Its lists are taken whole: their objects are checked as merged ones are.
            for (var list : lists.entrySet()) {
                JsonNode inner = object.get(list.getKey());
                if (inner != null && inner.isArray()) {
                    inner.forEach(o -> requireName(o, list.getValue()));
                }
            }
            // Merged into an empty object: an object given twice in one list merges into the first, as nftlb does.
            ObjectNode created = ConfigMapper.JSON.createObjectNode();
            created.put(key, id);
            target.add(created);
            mergeInto(target, key, object, lists, valueFields);
            return;
        }
        for (var field : object.properties()) {
            String listKey = lists.get(field.getKey());
            if (listKey != null && field.getValue().isArray()) {
                ArrayNode inner = list(existing.get(), field.getKey());
                for (JsonNode o : field.getValue()) {
                    requireObject(o, field.getKey());
                    mergeInto(inner, listKey, (ObjectNode) o, Map.of(),
                            field.getKey().equals("backends") ? BackendFields.ALL.keySet() : Set.of());
                }
            } else if (field.getValue().isArray() && !lists.containsKey(field.getKey())
                    && valueFields.contains(field.getKey())) {
                // A list where a value goes: nftlb reads its strings in turn (the last stays) and
                // skips what is not a string, so [1] changes nothing.
                for (JsonNode v : field.getValue()) {
                    if (v.isTextual()) {
                        existing.get().put(field.getKey(), v.asText());
                    }
                }
            } else {
                existing.get().set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /** The object's name ({@code key}): required, and without white space around it. */
    private static String requireName(JsonNode object, String key) {
        String id = object.path(key).asText("");
        if (id.isEmpty()) {
            throw new ConfigException("every object needs its \"" + key + "\": "
                    + ConfigMapper.abbreviate(object.toString()));
        }
        // A name with white space around it is kept as given, as nftlb keeps it; two names
        // that are the same without it are one farm for the kernel, refused when mapped.
        return id;
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
            throw new ConfigException("field \"" + field + "\" must hold objects, not "
                    + ConfigMapper.abbreviate(node.toString()));
        }
    }

    /** Removes a farm's static sessions of {@code backend}. */
    static void removeSessionsOf(ObjectNode farm, String backend) {
        JsonNode sessions = farm.get("sessions");
        if (sessions instanceof ArrayNode list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (backend.equals(list.get(i).path("backend").asText())) {
                    list.remove(i);
                }
            }
        }
    }

    /**
     * nftlb's PATCH of a policy: the body is merged, and the policy {@code name} then holds only
     * the elements the body gives it.
     */
    static void replaceElements(ObjectNode config, JsonNode body, String name) {
        for (JsonNode p : body.path("policies")) {
            if (name.equals(p.path("name").asText()) && p.has("elements")) {
                editable(config, "policies", "name", name).ifPresent(policy -> policy.putArray("elements"));
            }
        }
        merge(config, body);
    }

    /**
     * A DELETE's body: each object it lists with only its name is removed; an object with lists
     * (a farm's backends, sessions, addresses, policies; a policy's elements) loses the objects
     * they list.
     */
    static void removeListed(ObjectNode config, JsonNode body) {
        for (var section : body.properties()) {
            String key = SECTIONS.get(section.getKey());
            if (key == null || !section.getValue().isArray()) {
                throw new ConfigException("field \"" + section.getKey() + "\" must be one of "
                        + SECTIONS.keySet() + ", holding a list");
            }
            for (JsonNode object : section.getValue()) {
                requireObject(object, section.getKey());
                String id = requireName(object, key);
                if (object.size() == 1) {
                    remove(config, section.getKey(), key, id);
                    continue;
                }
                editable(config, section.getKey(), key, id).ifPresent(target -> {
                    for (var inner : object.properties()) {
                        String innerKey = section.getKey().equals("policies") && inner.getKey().equals("elements")
                                ? "data" : FARM_LISTS.get(inner.getKey());
                        if (innerKey != null && inner.getValue().isArray()) {
                            for (JsonNode o : inner.getValue()) {
                                remove(target, inner.getKey(), innerKey, o.path(innerKey).asText());
                                if (inner.getKey().equals("backends")) {
                                    removeSessionsOf(target, o.path(innerKey).asText());
                                }
                            }
                        }
                    }
                });
            }
        }
    }
}
