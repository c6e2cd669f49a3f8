package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The mark nftlb shows for each backend that was posted without one: nftlb gives a new backend
 * the lowest mark from 0x1 that no backend of any farm has, and keeps it for the backend's life.
 * The daemon gives the same numbers, in the order backends appear, for its GET answers; the
 * kernel's connection marks are the library's own.
 */
final class BackendMarks {

    private static final int MIN = 0x1;
    private static final int MAX = 0xFFF;

    private BackendMarks() {}

    static String key(String farm, String backend) {
        return farm + "\u0000" + backend;
    }

    /** The marks of {@code config}'s backends: those of {@code before} kept, new ones given the lowest free. */
    static Map<String, Integer> next(Map<String, Integer> before, JsonNode config) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        forEachBackend(config, (farm, b) -> {
            Integer kept = before.get(key(farm, b.path("name").asText()));
            if (b.hasNonNull("mark")) {
                taken.add((int) Values.mark("", "mark", NftlbView.hex(b.path("mark").asText())));
            } else if (kept != null) {
                taken.add(kept);
                out.put(key(farm, b.path("name").asText()), kept);
            }
        });
        forEachBackend(config, (farm, b) -> {
            String k = key(farm, b.path("name").asText());
            if (!b.hasNonNull("mark") && !out.containsKey(k)) {
                int mark = MIN;
                while (mark < MAX && taken.contains(mark)) {
                    mark++;
                }
                taken.add(mark);
                out.put(k, mark);
            }
        });
        return out;
    }

    private static void forEachBackend(JsonNode config, java.util.function.BiConsumer<String, JsonNode> action) {
        for (JsonNode farm : config.path("farms")) {
            for (JsonNode b : farm.path("backends")) {
                action.accept(farm.path("name").asText(), b);
            }
        }
    }
}
