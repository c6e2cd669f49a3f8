package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each farm's mapping from the last configuration the daemon applied, so that a request maps
 * only the farms it touched. An entry is reused for the very same farm object (edits replace the
 * objects they change, see {@link ConfigEdits}) while the addresses and policies the farms name
 * are the same objects too, and, if mapping it asked a {@link DeviceFinder}, while the finder's
 * {@link DeviceFinder#generation generation} is the same.
 */
final class FarmMemo {

    /** What one farm object mapped to; {@code devices} is the finder's generation it used, or -1 if none. */
    record Entry(JsonNode object, long devices, Optional<Farm> farm, Optional<DsrPath> path, List<Policy> policies) {}

    static final FarmMemo EMPTY = new FarmMemo(Map.of(), null, null);

    private final Map<String, Entry> byName;
    private final JsonNode addresses;
    private final JsonNode policies;

    private FarmMemo(Map<String, Entry> byName, JsonNode addresses, JsonNode policies) {
        this.byName = byName;
        this.addresses = addresses;
        this.policies = policies;
    }

    /** The entry for this farm object of {@code config}, if it is still what the object maps to. */
    Optional<Entry> reusable(JsonNode config, String name, JsonNode object, DeviceFinder devices) {
        Entry e = byName.get(name);
        if (e == null || e.object() != object || !sameObjects(addresses, config.get("addresses"))
                || !sameObjects(policies, config.get("policies"))) {
            return Optional.empty();
        }
        return e.devices() < 0 || e.devices() == devices.generation() ? Optional.of(e) : Optional.empty();
    }

    /** Whether two lists hold the same objects (the same instances), in the same order. */
    private static boolean sameObjects(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || !a.isArray() || !b.isArray() || a.size() != b.size()) {
            return (a == null || a.isEmpty()) && (b == null || b.isEmpty());
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Collects the entries of one mapping; {@link #build} once it succeeded. */
    static final class Builder {
        private final Map<String, Entry> byName = new HashMap<>();
        private final JsonNode config;

        Builder(JsonNode config) {
            this.config = config;
        }

        void put(String name, Entry entry) {
            byName.put(name, entry);
        }

        FarmMemo build() {
            return new FarmMemo(byName, config.get("addresses"), config.get("policies"));
        }
    }

    /** A finder that notes whether it was asked (then the mapping depends on its answers). */
    static final class Watching implements DeviceFinder {
        private final DeviceFinder finder;
        private final long generation;
        private boolean asked;

        Watching(DeviceFinder finder) {
            this.finder = finder;
            this.generation = finder.generation();
        }

        @Override
        public Optional<String> deviceOf(InetAddress virtualAddress) {
            asked = true;
            return finder.deviceOf(virtualAddress);
        }

        /** The generation the answers belong to, or -1 if it was not asked. */
        long used() {
            return asked ? generation : -1;
        }
    }
}
