package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads nftlb's JSON configuration ({@code {"farms": [...], "addresses": [...], "policies": [...]}})
 * and maps it onto the library's farms.
 *
 * <pre>{@code
 * List<Farm> farms = ConfigMapper.map(ConfigMapper.read(Path.of("lb.json")));
 * }</pre>
 *
 * <p>Every field is either mapped or, when the library cannot do it yet, reported: a
 * configuration with unsupported fields throws one {@link UnsupportedFieldsException} that
 * lists all of them, each with its farm and value. A malformed one throws {@link ConfigException}.
 */
public final class ConfigMapper {

    static final ObjectMapper JSON = new ObjectMapper();

    private ConfigMapper() {}

    /** Parses a configuration file. */
    public static JsonNode read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses configuration text. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConfigException("configuration must be a JSON object, not: " + abbreviate(text));
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException("configuration is not JSON: " + e.getMessage());
        }
    }

    /**
     * The farms to put in the kernel: those whose state is up and that have a virtual address.
     *
     * @throws UnsupportedFieldsException listing every field the library does not support yet
     * @throws ConfigException if a field is malformed
     */
    public static List<Farm> map(JsonNode config) {
        return mapAll(config).farms();
    }

    /**
     * What a configuration asks of the load balancer: its farms, and the link layer of its dsr
     * and stlsdnat farms (by farm name).
     */
    public record Mapped(List<Farm> farms, Map<String, DsrPath> paths) {

        public Mapped {
            farms = List.copyOf(farms);
            paths = Map.copyOf(paths);
        }
    }

    /**
     * {@link #map} with the link layer of the farms at ingress.
     *
     * @throws UnsupportedFieldsException listing every field the library does not support yet
     * @throws ConfigException if a field is malformed
     */
    public static Mapped mapAll(JsonNode config) {
        Problems problems = new Problems();
        List<Farm> farms = new ArrayList<>();
        Map<String, DsrPath> paths = new HashMap<>();
        Set<String> names = new HashSet<>();
        NamedAddresses addresses = new NamedAddresses(config.get("addresses"));
        for (var e : config.properties()) {
            switch (e.getKey()) {
                case "farms" -> {
                    for (JsonNode farm : list(e.getValue(), "farms")) {
                        String name = Values.text("farm", "name", farm.get("name"));
                        if (!names.add(name)) {
                            throw new ConfigException("farm \"" + name + "\" is defined twice");
                        }
                        FarmMapper.map(farm, addresses, problems, paths).ifPresent(farms::add);
                    }
                }
                // Addresses change nothing until a farm names them (read there).
                case "addresses" -> list(e.getValue(), "addresses");
                case "policies" -> {
                    for (JsonNode policy : list(e.getValue(), "policies")) {
                        problems.unsupported("policy \"" + Values.text("policy", "name", policy.get("name")) + "\"",
                                "type", Values.text("policy", "type", policy.get("type")));
                    }
                }
                default -> problems.unsupported("configuration", e.getKey(), abbreviate(e.getValue().toString()),
                        "unknown field");
            }
        }
        problems.throwIfAny();
        paths.keySet().retainAll(farms.stream().map(Farm::name).toList()); // only farms that are up
        return new Mapped(farms, paths);
    }

    private static Iterable<JsonNode> list(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("field \"" + field + "\" must be a list, not " + abbreviate(node.toString()));
        }
        return node;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
