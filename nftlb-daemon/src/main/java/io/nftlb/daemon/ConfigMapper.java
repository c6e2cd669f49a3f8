package io.nftlb.daemon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    // Data after the document is refused rather than dropped unseen.
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigMapper() {}

    /** Parses a configuration file. */
    public static JsonNode read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses configuration bytes, which must be UTF-8 (invalid bytes are refused, not replaced).
     */
    public static JsonNode parse(byte[] utf8) {
        try {
            return parse(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString());
        } catch (CharacterCodingException e) {
            throw new ConfigException("configuration is not valid UTF-8: " + e.getMessage());
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
        return mapAll(config, DeviceFinder.none()).farms();
    }

    /**
     * What a configuration asks of the load balancer: its farms, the link layer of its dsr and
     * stlsdnat farms (by farm name), and the policies its farms name (one per farm and policy,
     * by the library's name).
     */
    public record Mapped(List<Farm> farms, Map<String, DsrPath> paths, Map<String, Policy> policies) {

        public Mapped {
            farms = List.copyOf(farms);
            paths = Map.copyOf(paths);
            policies = Map.copyOf(policies);
        }
    }

    /**
     * {@link #map} with the link layer of the farms at ingress and the farms' policies, on the
     * devices {@code devices} finds for farms that do not name theirs ({@code iface}).
     *
     * @throws UnsupportedFieldsException listing every field the library does not support yet
     * @throws ConfigException if a field is malformed
     */
    public static Mapped mapAll(JsonNode config, DeviceFinder devices) {
        return mapAll(config, devices, FarmMemo.EMPTY, new FarmMemo.Builder(config));
    }

    /**
     * {@link #mapAll(JsonNode, DeviceFinder)}, reusing what {@code before} holds for farms that
     * did not change and noting every farm's mapping in {@code after}.
     */
    static Mapped mapAll(JsonNode config, DeviceFinder devices, FarmMemo before, FarmMemo.Builder after) {
        Problems problems = new Problems();
        List<Farm> farms = new ArrayList<>();
        Map<String, DsrPath> paths = new HashMap<>();
        Map<String, Policy> policies = new LinkedHashMap<>();
        Map<String, PolicyMapper.Listed> listed = PolicyMapper.read(config.get("policies"), problems);
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
                        FarmMemo.Entry entry = before.reusable(config, name, farm, devices)
                                .orElseGet(() -> mapFarm(name, farm, addresses, listed, devices, problems));
                        after.put(name, entry);
                        entry.farm().ifPresent(farms::add);
                        entry.path().ifPresent(p -> paths.put(name, p));
                        entry.policies().forEach(p -> policies.put(p.name(), p));
                    }
                }
                // Addresses change nothing until a farm names them (read there).
                case "addresses" -> list(e.getValue(), "addresses");
                case "policies" -> { } // read first: farms name them
                default -> problems.unsupported("configuration", e.getKey(), abbreviate(e.getValue().toString()),
                        "unknown field");
            }
        }
        problems.throwIfAny();
        return new Mapped(farms, paths, policies);
    }

    /** One farm's mapping (its problems go to {@code problems}). */
    private static FarmMemo.Entry mapFarm(String name, JsonNode farm, NamedAddresses addresses,
                                          Map<String, PolicyMapper.Listed> listed, DeviceFinder devices,
                                          Problems problems) {
        String where = "farm \"" + name + "\"";
        FarmMemo.Watching watching = new FarmMemo.Watching(devices);
        Optional<Farm> mapped = FarmMapper.map(farm, addresses, problems)
                .map(f -> OffloadMapper.apply(farm, f, watching, where, problems));
        Optional<DsrPath> path = mapped.flatMap(f -> LinkLayer.path(farm, f, where, problems));
        List<Policy> farmPolicies = mapped.map(f -> PolicyMapper.ofFarm(farm, f, listed, watching, where, problems))
                .orElse(List.of());
        return new FarmMemo.Entry(farm, watching.used(), mapped, path, List.copyOf(farmPolicies));
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

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
