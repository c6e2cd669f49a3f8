package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nftlb.testkit.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves the link layer of an nftlb case's dsr and stlsdnat farms onto a {@link Topology}, the
 * same way in its JSON and in nftlb's expected ruleset, after {@link AddressRemap} moved its
 * addresses: the cases use {@code lo} for {@code iface} and {@code oface} and made-up MACs. The
 * farm's {@code iface} becomes the balancer's client-side device, its {@code oface} the backends'
 * bridge, its {@code ether-addr} the bridge's MAC, and each backend's {@code ether-addr} the MAC
 * of the topology backend that has its (remapped) address. In the ruleset, a device is the
 * client side where packets come from clients or go back to them (the ingress chains, and the
 * {@code fwd} of a stateless dNAT farm's reply chain {@code FARM-back}) and the bridge where
 * they go to backends or come back from them ({@code ingress-dnat-*}, the farm chain's
 * {@code fwd}).
 */
final class LinkRemap {

    private final Topology t;
    private final Map<String, String> macs = new LinkedHashMap<>();

    private LinkRemap(Topology t) {
        this.t = t;
    }

    /** Whether the case has a farm at ingress (dsr or stlsdnat). */
    static boolean atIngress(JsonNode config) {
        for (JsonNode farm : config.path("farms")) {
            if (List.of("dsr", "stlsdnat").contains(farm.path("mode").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the case has a dsr farm (its backends hold the virtual address and answer directly). */
    static boolean dsr(JsonNode config) {
        for (JsonNode farm : config.path("farms")) {
            if (farm.path("mode").asText().equals("dsr")) {
                return true;
            }
        }
        return false;
    }

    /** The remap of a case whose addresses are already the topology's. */
    static LinkRemap onto(JsonNode remapped, Topology t) {
        LinkRemap r = new LinkRemap(t);
        String out = t.balancer().backendInterface();
        for (JsonNode farm : remapped.path("farms")) {
            if (farm.hasNonNull("ether-addr")) {
                r.macs.put(farm.path("ether-addr").asText(), t.balancer().namespace().macAddress(out));
            }
            for (JsonNode b : farm.path("backends")) {
                if (b.hasNonNull("ether-addr")) {
                    r.macs.put(b.path("ether-addr").asText(), r.backendMac(b.path("ip-addr").asText()));
                }
            }
        }
        return r;
    }

    private String backendMac(String address) {
        for (int i = 0; i < t.backends().size(); i++) {
            if (address.contains(":") ? address.equals(t.backend(i).address6()) : address.equals(t.backend(i).address())) {
                return t.backend(i).macAddress();
            }
        }
        throw new IllegalArgumentException("no topology backend has " + address);
    }

    /** The JSON with the topology's devices and MACs. */
    String json(String remapped) {
        ObjectNode config = (ObjectNode) ConfigMapper.parse(remapped);
        for (JsonNode farm : config.path("farms")) {
            ObjectNode f = (ObjectNode) farm;
            if (f.hasNonNull("iface")) {
                f.put("iface", t.balancer().clientInterface());
            }
            if (f.hasNonNull("oface")) {
                f.put("oface", t.balancer().backendInterface());
            }
            replaceMacs(f);
            f.path("backends").forEach(b -> replaceMacs((ObjectNode) b));
        }
        return config.toString();
    }

    private void replaceMacs(ObjectNode o) {
        if (o.hasNonNull("ether-addr")) {
            o.put("ether-addr", macs.getOrDefault(o.path("ether-addr").asText(), o.path("ether-addr").asText()));
        }
    }

    /** nftlb's expected ruleset with the topology's devices and MACs. */
    String nft(String remapped) {
        StringBuilder out = new StringBuilder();
        String chain = "";
        for (String line : remapped.split("\n", -1)) {
            String l = line;
            String trimmed = l.strip();
            if (trimmed.startsWith("chain ")) {
                chain = trimmed.substring(6, trimmed.indexOf(' ', 6) < 0 ? trimmed.length() : trimmed.indexOf(' ', 6));
            }
            String client = "\"" + t.balancer().clientInterface() + "\"";
            String backends = "\"" + t.balancer().backendInterface() + "\"";
            l = l.replace("device \"lo\"", "device " + (chain.startsWith("ingress-dnat-") ? backends : client));
            l = l.replace("fwd to \"lo\"", "fwd to " + (chain.endsWith("-back") ? client : backends));
            for (Map.Entry<String, String> m : macs.entrySet()) {
                l = l.replace(m.getKey(), m.getValue());
            }
            out.append(l).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
