package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * nftlb's policies: the configuration's {@code policies} (each a named blacklist or whitelist of
 * addresses and networks) and the {@code policies} a farm names. nftlb enforces a farm's
 * policies at the netdev ingress of the device its clients arrive on, for that farm's traffic
 * only; so does the library, with one {@link Policy} per farm and policy, named
 * {@code POLICY-FARM}, on the farm's {@code iface} or else the device a {@link DeviceFinder}
 * finds for its first virtual address. Each drop is logged as nftlb logs it, with the
 * policy's {@code log-prefix} expanded for the farm, unless the farm's verdict leaves out the
 * log; a policy's {@code priority} and {@code timeout} change nothing in nftlb's rules and are
 * accepted as such ({@link #inert}).
 */
final class PolicyMapper {

    /**
     * A policy of the configuration, before a farm names it.
     *
     * @param logPrefix its {@code log-prefix} template, as written, or nftlb's default
     */
    record Listed(Policy.Kind kind, List<Network> networks, String logPrefix) {}

    private PolicyMapper() {}

    /**
     * The configuration's policies by name.
     *
     * @throws ConfigException if one is malformed (no name, an unknown type, an element that is
     *     not an address or network or not of the policy's family)
     */
    static Map<String, Listed> read(JsonNode list, Problems problems) {
        Map<String, Listed> policies = new LinkedHashMap<>();
        if (list == null || list.isNull()) {
            return policies;
        }
        if (!list.isArray()) {
            throw new ConfigException("field \"policies\" must be a list, not " + list);
        }
        for (JsonNode object : list) {
            String name = Values.text("policy", "name", object.get("name"));
            if (name.isEmpty()) {
                throw new ConfigException("policy: field \"name\" is required");
            }
            String where = "policy \"" + name + "\"";
            if (policies.containsKey(name)) {
                throw new ConfigException(where + " is defined twice");
            }
            Policy.Kind kind = switch (Values.text(where, "type", object.get("type"))) {
                case "blacklist" -> Policy.Kind.BLACKLIST;
                case "whitelist" -> Policy.Kind.WHITELIST;
                default -> throw ConfigException.field(where, "type", Values.text(where, "type", object.get("type")),
                        "must be blacklist or whitelist");
            };
            String family = Values.text(where, "family", object.get("family"));
            if (!List.of("", "ipv4", "ipv6").contains(family)) {
                throw ConfigException.field(where, "family", family, "must be ipv4 or ipv6");
            }
            List<Network> networks = new ArrayList<>();
            for (JsonNode element : elements(object.get("elements"), where)) {
                String data = Values.text(where, "data", element.get("data"));
                Network n = network(where, data);
                boolean v6 = n.first() instanceof Inet6Address;
                if (v6 != family.equals("ipv6")) {
                    throw ConfigException.field(where, "elements", data,
                            "is not of the policy's family " + (family.isEmpty() ? "ipv4 (the default)" : family));
                }
                networks.add(n);
            }
            object.properties().forEach(e -> {
                String value = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
                switch (e.getKey()) {
                    case "name", "type", "family", "elements" -> { }
                    case "priority", "timeout" -> inert(where, e.getKey(), value);
                    case "log-prefix" -> { } // read below, as written
                    default -> problems.unsupported(where, e.getKey(), value, "unknown field");
                }
            });
            try {
                policies.put(name, new Listed(kind, List.copyOf(Policy.blacklist("check").networks(networks).networks()),
                        LogFields.template(object, "log-prefix", where).orElse(LogPrefix.POLICY_DEFAULT)));
            } catch (InvalidFarmException e) { // overlapping networks, which the kernel's interval sets refuse
                throw new ConfigException(where + ": " + e.getMessage().replace("policy \"check\": ", ""));
            }
        }
        return policies;
    }

    /**
     * The library's policies for a farm: one per policy the farm names, for that farm only.
     *
     * @throws ConfigException if the farm names a policy the configuration does not have
     */
    static List<Policy> ofFarm(JsonNode object, Farm farm, Map<String, Listed> listed, DeviceFinder devices,
                               String where, Problems problems) {
        List<Policy> policies = new ArrayList<>();
        JsonNode names = object.get("policies");
        if (names == null || names.isNull()) {
            return policies;
        }
        if (!names.isArray()) {
            throw ConfigException.field(where, "policies", names.toString(), "must be a list");
        }
        for (JsonNode ref : names) {
            String name = Values.text(where, "policies", ref.get("name"));
            Listed policy = listed.get(name);
            if (policy == null) {
                throw ConfigException.field(where, "policies", name, "names no policy of the configuration");
            }
            Optional<String> device = device(object, farm, devices, where);
            if (device.isEmpty()) {
                problems.unsupported(where, "policies", name, "no device holds or routes "
                        + InetAddresses.toAddrString(farm.addresses().get(0)) + "; give the farm's iface");
                continue;
            }
            Policy base = policy.kind() == Policy.Kind.BLACKLIST ? Policy.blacklist(name + "-" + farm.name())
                    : Policy.whitelist(name + "-" + farm.name());
            Policy p;
            try {
                p = base.on(device.get()).forFarm(farm.name()).networks(policy.networks());
            } catch (InvalidFarmException e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
            policies.add(logged(p, name, policy, object, farm, where));
        }
        return policies;
    }

    /**
     * The policy with nftlb's log of its drops: the policy's {@code log-prefix} expanded for
     * this farm ({@link LogPrefix#policy}), when the farm's verdict logs (nftlb's default), at
     * the farm's {@code log-rtlimit} (as nftlb does: the rate is the farm's, not the policy's).
     */
    private static Policy logged(Policy p, String name, Listed policy, JsonNode object, Farm farm, String where) {
        if (!LogFields.logsRefusals(object, where)) {
            return p;
        }
        String prefix = LogPrefix.policy(policy.logPrefix(), name, policy.kind(), farm.name());
        return p.log(LogFields.line("policy \"" + name + "\"", "log-prefix", policy.logPrefix(), prefix,
                LogFields.rate(object, where)));
    }

    /**
     * {@code priority} and {@code timeout}: nftlb keeps them (its {@code src/policies.c},
     * {@code policy_set_attribute}) and shows them in its dumps, but its rules never read them
     * ({@code src/nft.c} has no {@code p->priority} nor {@code p->timeout}: a policy's set is
     * {@code flags interval; auto-merge; counter} without a timeout, and its per-farm counter set
     * takes the farm's {@code limits-ttl}); a changed timeout only restarts the policy. Its
     * conformance output for them (cases 037, 042) has no trace of them either. So any number is
     * accepted and changes nothing.
     */
    private static void inert(String where, String field, String value) {
        if (!value.isEmpty()) {
            Values.integer(where, field, value);
        }
    }

    /** Whether the farm names policies. */
    static boolean named(JsonNode farm) {
        JsonNode names = farm.get("policies");
        return names != null && names.isArray() && !names.isEmpty();
    }

    private static Optional<String> device(JsonNode object, Farm farm, DeviceFinder devices, String where) {
        String iface = Values.text(where, "iface", object.get("iface"));
        return iface.isEmpty() ? devices.deviceOf(farm.addresses().get(0)) : Optional.of(iface);
    }

    private static Iterable<JsonNode> elements(JsonNode list, String where) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw ConfigException.field(where, "elements", list.toString(), "must be a list");
        }
        return list;
    }

    /** An address or network; host bits of a network are cleared, as nftlb does (192.168.40.100/24 is 192.168.40.0/24). */
    private static Network network(String where, String data) {
        try {
            int slash = data.indexOf('/');
            if (slash > 0 && InetAddresses.isInetAddress(data.substring(0, slash))) {
                InetAddress a = InetAddresses.forString(data.substring(0, slash));
                int bits = a.getAddress().length * 8;
                int length = Integer.parseInt(data.substring(slash + 1));
                if (length >= 0 && length <= bits) {
                    BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                            .shiftRight(length).not();
                    byte[] raw = new BigInteger(1, a.getAddress()).and(mask).toByteArray();
                    byte[] address = new byte[bits / 8];
                    int copy = Math.min(raw.length, address.length);
                    System.arraycopy(raw, raw.length - copy, address, address.length - copy, copy);
                    data = InetAddresses.toAddrString(InetAddress.getByAddress(address)) + "/" + length;
                }
            }
            return Network.parse(data);
        } catch (InvalidFarmException | NumberFormatException | java.net.UnknownHostException e) {
            throw ConfigException.field(where, "elements", data, "is not an address or network");
        }
    }
}
