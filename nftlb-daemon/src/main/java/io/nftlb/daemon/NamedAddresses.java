package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.PortRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * nftlb's address objects ({@code "addresses": [{"name", "ip-addr", "ports", "protocol"}]}),
 * which farms name instead of, or besides, their {@code virtual-addr}. The library's farm has
 * one port list and one protocol for all its addresses, so a farm's addresses map when they
 * agree on both.
 */
final class NamedAddresses {

    /** One address as a farm serves it. */
    record Service(String address, List<PortRange> ports, String protocol) {}

    private final Map<String, JsonNode> byName = new LinkedHashMap<>();

    NamedAddresses(JsonNode addresses) {
        if (addresses != null && addresses.isArray()) {
            for (JsonNode a : addresses) {
                byName.put(Values.text("address", "name", a.get("name")), a);
            }
        }
    }

    /**
     * The services of a farm: its own {@code virtual-addr} (if any) and the addresses it names.
     *
     * @throws Field.NotSupported if they differ in ports or protocol
     * @throws ConfigException if a named address does not exist or has no ip-addr
     */
    List<Service> of(JsonNode farm, String where) {
        String ownPorts = Values.text(where, "virtual-ports", farm.get("virtual-ports"));
        String ownProtocol = orTcp(Values.text(where, "protocol", farm.get("protocol")));
        List<Service> services = new ArrayList<>();
        String vip = Values.text(where, "virtual-addr", farm.get("virtual-addr"));
        if (!vip.isEmpty()) {
            services.add(new Service(vip, Values.ports(where, "virtual-ports", ownPorts), ownProtocol));
        }
        JsonNode refs = farm.get("addresses");
        if (refs == null || !refs.isArray() || refs.isEmpty()) {
            return services;
        }
        StringBuilder names = new StringBuilder();
        for (JsonNode ref : refs) {
            String name = Values.text(where, "addresses", ref.get("name"));
            names.append(names.isEmpty() ? "" : ",").append(name);
            JsonNode a = byName.get(name);
            String aw = where + ": address \"" + name + "\"";
            if (a == null) {
                throw new ConfigException(aw + " does not exist");
            }
            String ip = Values.text(aw, "ip-addr", a.get("ip-addr"));
            if (ip.isEmpty()) {
                throw new ConfigException(aw + ": field \"ip-addr\" is required");
            }
            String ports = Values.text(aw, "ports", a.get("ports"));
            services.add(new Service(ip, Values.ports(aw, "ports", ports),
                    orTcp(Values.text(aw, "protocol", a.get("protocol")))));
        }
        Service first = services.get(0);
        for (Service s : services) {
            if (!s.ports().equals(first.ports()) || !Objects.equals(s.protocol(), first.protocol())) {
                throw new Field.NotSupported("addresses", names.toString(),
                        "a farm's addresses must share one port list and protocol, " + first.address() + " has "
                                + first.ports() + " " + first.protocol() + " and " + s.address() + " "
                                + s.ports() + " " + s.protocol());
            }
        }
        return services;
    }

    private static String orTcp(String protocol) {
        return protocol.isEmpty() ? "tcp" : protocol;
    }
}
