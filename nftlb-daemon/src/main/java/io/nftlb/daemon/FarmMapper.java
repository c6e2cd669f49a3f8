package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;
import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.IpFamily;
import io.nftlb.core.PortRange;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Maps one nftlb farm object onto a {@link Farm}: builds it from its mode and virtual address,
 * then applies each field through {@link FarmFields} and each backend through {@link BackendFields},
 * and last its logs through {@link LogFields} (they depend on the limits the other fields set).
 * Unsupported fields go to {@link Problems}; the mapping goes on so that all of them are found.
 */
final class FarmMapper {

    private FarmMapper() {}

    /**
     * The farm to apply, or empty when the farm is not to be in the kernel (its state is not
     * up, it has no virtual address yet) or has unsupported fields (then in {@code problems}).
     */
    static Optional<Farm> map(JsonNode object, NamedAddresses addresses, Problems problems) {
        String name = Values.text("farm", "name", object.get("name"));
        if (name.isEmpty()) {
            throw new ConfigException("farm: field \"name\" is required");
        }
        String where = "farm \"" + name + "\"";
        int before = problems.size();
        String state = text(object, "state", where, "up");
        if (!List.of("up", "down", "off", "config_error").contains(state)) {
            throw ConfigException.field(where, "state", state, "must be up, down, off or config_error");
        }
        String mode = text(object, "mode", where, "snat");
        Function<String[], Farm> entry = Modes.entry(where, mode, problems);
        List<NamedAddresses.Service> services = services(object, addresses, where, problems);
        Farm farm = entry == null || services.isEmpty() ? null : create(entry, services, where).named(name);
        if (farm != null) {
            checkFamily(where, farm, text(object, "family", where, ""));
        }
        List<Backend> backends = backends(where, object.get("backends"), problems, farm != null);
        // nftlb's local mode delivers to this host: its backends and sessions are kept, not used.
        boolean host = farm != null && farm.forwarding() instanceof Forwarding.Host;
        if (farm != null && farm.forwarding() instanceof Forwarding.Dsr) {
            backends = backends.stream().map(FarmMapper::withoutPort).toList();
        }
        farm = farm == null || host || !backendsFit(farm, backends, where, problems) ? farm : farm.backends(backends);
        farm = applyFields(farm, object, host ? FarmFields.LOCAL : FarmFields.ALL, where, problems);
        farm = host ? farm : sessions(farm, object.get("sessions"), where, problems);
        farm = farm == null ? null : LogFields.apply(farm, object, where, problems);
        if (farm == null || problems.size() > before) {
            return Optional.empty();
        }
        return state.equals("up") ? Optional.of(farm) : Optional.empty();
    }

    /**
     * Whether the backends can be the farm's; if not, says why in {@code problems}. In dsr mode
     * nftlb forwards frames by MAC: a backend of another address family serves (in the library
     * too).
     */
    private static boolean backendsFit(Farm farm, List<Backend> backends, String where, Problems problems) {
        int before = problems.size();
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        farm.addresses().forEach(a -> families.add(a instanceof java.net.Inet6Address ? IpFamily.IPV6 : IpFamily.IPV4));
        for (Backend b : backends) {
            String bw = where + ": backend \"" + b.name() + "\"";
            if (!families.contains(b.family()) && !(farm.forwarding() instanceof Forwarding.Dsr)) {
                problems.unsupported(bw, "ip-addr", InetAddresses.toAddrString(b.address()),
                        "the library's backends are of the family of their farm's virtual address, " + families);
            }
            if (farm.forwarding().servedAtIngress()) {
                b.packetMark().ifPresent(m -> problems.unsupported(bw, "mark", "0x" + Long.toHexString(m),
                        atIngress(farm, "packet marks come from conntrack marks")));
                b.maxConnections().ifPresent(n -> problems.unsupported(bw, "est-connlimit", String.valueOf(n),
                        atIngress(farm, "connections are counted by conntrack")));
            }
        }
        return problems.size() == before;
    }

    /**
     * A dsr backend without its port: dsr forwards frames as they came, so the backend serves
     * the virtual port; nftlb takes a dsr backend's port and does not use it, and so does the
     * daemon (it stays in the configuration).
     */
    private static Backend withoutPort(Backend b) {
        return new Backend(b.name(), b.address(), java.util.OptionalInt.empty(), b.weight(), b.priority(), b.state(),
                b.packetMark(), b.sourceAddress(), b.maxConnections());
    }

    /** The farm's addresses; none (reported) when they cannot be one farm of the library's. */
    private static List<NamedAddresses.Service> services(JsonNode object, NamedAddresses addresses, String where,
                                                        Problems problems) {
        try {
            return addresses.of(object, where);
        } catch (Field.NotSupported n) {
            problems.unsupported(where, n.field, n.value, n.getMessage());
            return List.of();
        }
    }

    /** The farm on its addresses, with their ports and protocol (its own fields may set them again, alike). */
    private static Farm create(Function<String[], Farm> entry, List<NamedAddresses.Service> services, String where) {
        String[] vips = services.stream().map(NamedAddresses.Service::address).toArray(String[]::new);
        Farm farm;
        try {
            farm = entry.apply(vips);
        } catch (InvalidFarmException e) {
            throw ConfigException.field(where, "virtual-addr", String.join(",", vips), "is not an IP address");
        }
        NamedAddresses.Service first = services.get(0);
        farm = FarmFields.protocol(farm, first.protocol(), null, where);
        for (PortRange r : first.ports()) {
            farm = farm.portRange(r.from(), r.to());
        }
        return farm;
    }

    private static void checkFamily(String where, Farm farm, String family) {
        IpFamily expected = switch (family) {
            case "ipv4" -> IpFamily.IPV4;
            case "ipv6" -> IpFamily.IPV6;
            case "", "dual" -> farm.family();
            default -> throw ConfigException.field(where, "family", family, "must be ipv4, ipv6 or dual");
        };
        if (expected != farm.family()) {
            throw ConfigException.field(where, "family", family, "does not match virtual-addr (" + farm.family() + ")");
        }
    }

    /** The backends; with {@code build} false (the farm cannot be built) only their fields are checked. */
    private static List<Backend> backends(String where, JsonNode list, Problems problems, boolean build) {
        List<Backend> backends = new ArrayList<>();
        if (list == null || list.isNull()) {
            return backends;
        }
        if (!list.isArray()) {
            throw ConfigException.field(where, "backends", list.toString(), "must be a list");
        }
        for (JsonNode object : list) {
            String name = Values.text(where, "name", object.get("name"));
            String bw = where + ": backend \"" + name + "\"";
            String address = Values.text(bw, "ip-addr", object.get("ip-addr"));
            if (name.isEmpty() || address.isEmpty()) {
                throw new ConfigException(bw + ": fields \"name\" and \"ip-addr\" are required");
            }
            Backend b;
            try {
                b = applyFields(build ? Backend.of(name, address) : null, object, BackendFields.ALL, bw, problems);
            } catch (InvalidFarmException e) {
                // The DSL names the backend; the farm is named here.
                throw new ConfigException(where + ": " + e.getMessage());
            }
            if (b != null) {
                backends.add(b);
            }
        }
        return backends;
    }

    /** Static sessions (those without an expiration); dynamic ones are the kernel's state. */
    private static Farm sessions(Farm farm, JsonNode list, String where, Problems problems) {
        if (list == null || list.isNull()) {
            return farm;
        }
        Farm f = farm;  // null: only the sessions' fields are checked
        for (JsonNode s : list) {
            if (s.hasNonNull("expiration")) {
                continue;
            }
            String client = Values.text(where, "client", s.get("client"));
            String backend = Values.text(where, "backend", s.get("backend"));
            // nftlb's client is its farm's persistence key as nft writes it: "ADDRESS" or
            // "ADDRESS . PORT" (srcip srcport); "ADDRESS PORT" is taken too.
            List<String> parts = java.util.Arrays.stream(client.trim().split("\\s+"))
                    .filter(t -> !t.equals(".")).toList();
            if (parts.size() > 2 || parts.size() == 2 && !parts.get(1).matches("\\d{1,5}")) {
                problems.unsupported(where, "sessions", client,
                        "static sessions are kept by client address, or address and port");
                continue;
            }
            try {
                f = f == null ? null : parts.size() == 2
                        ? f.staticSession(parts.get(0), Integer.parseInt(parts.get(1)), backend)
                        : f.staticSession(client, backend);
            } catch (InvalidFarmException e) {
                if (!needsConntrack(f, e)) {
                    throw e;
                }
                problems.unsupported(where, "sessions", client, atIngress(f, e.getMessage()));
                f = null;
            }
        }
        return f;
    }

    /**
     * Whether the library refused a step because the farm (dsr, stlsdnat) is served at netdev
     * ingress, before conntrack (a limit, a helper): reported as not supported rather than as a
     * bad value. Persistence and static sessions are kept there without conntrack, so they map.
     */
    private static boolean needsConntrack(Farm farm, InvalidFarmException e) {
        return farm.forwarding().servedAtIngress() && e.getMessage().contains("conntrack");
    }

    private static String atIngress(Farm farm, String why) {
        return "the library serves " + farm.forwarding().keyword() + " farms at netdev ingress, before conntrack: "
                + why;
    }

    /**
     * Applies each field of {@code object} with its entry in {@code fields}. A null target
     * (a farm that cannot be built) still has its fields checked, so every problem is found.
     */
    static <T> T applyFields(T target, JsonNode object, Map<String, Field<T>> fields, String where,
                             Problems problems) {
        T result = target;
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String value = valueText(where, e.getKey(), e.getValue());
            Field<T> field = fields.get(e.getKey());
            if (field == null) {
                problems.unsupported(where, e.getKey(), value, "unknown field");
            } else if (field.step().isEmpty()) {
                if (!field.inert(value)) {
                    problems.unsupported(where, e.getKey(), value);
                }
            } else if (result != null) {
                try {
                    result = field.step().get().apply(result, value, object, where);
                } catch (Field.NotSupported n) {
                    problems.unsupported(where, n.field, n.value, n.getMessage());
                } catch (InvalidFarmException refused) {
                    if (!(result instanceof Farm f) || !needsConntrack(f, refused)) {
                        throw refused;
                    }
                    problems.unsupported(where, e.getKey(), value, atIngress(f, refused.getMessage()));
                }
            }
        }
        return result;
    }

    /** The fields of a farm that hold lists of objects (no backend field has these names). */
    private static final Set<String> LISTS = Set.of("backends", "sessions", "addresses", "policies");

    /** Scalars as they are; lists (policies, addresses) as their objects' names. */
    private static String valueText(String where, String field, JsonNode node) {
        boolean list = LISTS.contains(field);
        if (list && node != null && !node.isNull() && !node.isArray()) {
            throw ConfigException.field(where, field, ConfigMapper.abbreviate(node.toString()), "must be a list");
        }
        if (node == null || !node.isContainerNode()) {
            return Values.text(where, field, node);
        }
        if (!list) {
            throw ConfigException.field(where, field, ConfigMapper.abbreviate(node.toString()), "must be a string");
        }
        StringJoiner names = new StringJoiner(",");
        node.forEach(n -> names.add(n.has("name") ? n.get("name").asText() : n.toString()));
        return names.toString();
    }

    private static String text(JsonNode object, String field, String where, String dflt) {
        String v = Values.text(where, field, object.get(field));
        return v.isEmpty() ? dflt : v;
    }
}
