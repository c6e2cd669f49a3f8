package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import java.util.Locale;
import java.util.Optional;

/**
 * The link layer of a {@code dsr} or {@code stlsdnat} farm, from nftlb's fields: {@code iface}
 * (the device clients' packets arrive on), {@code oface} (the device they leave by towards the
 * backends; {@code iface} when not given), the farm's {@code ether-addr} (the balancer's MAC,
 * the source of the frames it forwards and of stateless dNAT's replies, as nftlb uses it) and
 * each backend's {@code ether-addr}. nftlb reads a missing MAC from the device; the daemon
 * does not, so the MACs are required. Farms of other modes take these fields and, as nftlb's,
 * change nothing with them (but for {@code iface} naming the device of the farm's policies, and
 * {@code iface} and {@code oface} those of its flow offload).
 */
final class LinkLayer {

    private LinkLayer() {}

    /**
     * The farm's path, for a farm at ingress; empty for other farms.
     *
     * @throws ConfigException if a field a dsr or stlsdnat farm needs is missing or malformed
     */
    static Optional<DsrPath> path(JsonNode object, Farm farm, String where, Problems problems) {
        if (!farm.forwarding().servedAtIngress()) {
            // nftlb's rules of other modes do not read them (but iface names the device of the
            // farm's policies, and iface and oface those of its flow offload, read there).
            return Optional.empty();
        }
        String in = required(object, "iface", where);
        String out = Values.text(where, "oface", object.get("oface"));
        String mac = mac(object, where);
        try {
            DsrPath path = DsrPath.of(farm.name()).in(in, mac).out(out.isEmpty() ? in : out, mac);
            for (JsonNode backend : backends(object)) {
                String name = Values.text(where, "name", backend.get("name"));
                path = path.backend(name, mac(backend, where + ": backend \"" + name + "\""));
            }
            return Optional.of(path);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) { // DsrPath's: a device name or MAC it does not take
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static String mac(JsonNode object, String where) {
        return required(object, "ether-addr", where).toLowerCase(Locale.ROOT);
    }

    private static String required(JsonNode object, String field, String where) {
        String value = Values.text(where, field, object.get(field));
        if (value.isEmpty()) {
            throw ConfigException.field(where, field, value, "is required for modes dsr and stlsdnat"
                    + (field.equals("ether-addr") ? " (the daemon does not read MACs from devices)" : ""));
        }
        return value;
    }

    private static Iterable<JsonNode> backends(JsonNode object) {
        JsonNode list = object.get("backends");
        return list == null || !list.isArray() ? java.util.List.of() : list;
    }
}
