package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import java.util.Set;
import java.util.TreeSet;

/**
 * nftlb's {@code flow-offload} ("on" or "off") onto {@link Farm#offload}: the library needs the
 * devices the farm's packets cross, which nftlb's configuration does not list. They are the
 * farm's {@code iface} (the clients' side) and {@code oface} (the backends' side) when given,
 * else the devices a {@link DeviceFinder} finds: the one holding or routing each virtual address,
 * and the one routing to each backend. On a kernel without flowtables the apply then fails with
 * the missing feature named, as for any farm that offloads.
 */
final class OffloadMapper {

    private OffloadMapper() {}

    /** Whether the farm object asks for flow offload (then its iface and oface are the offload's devices). */
    static boolean on(JsonNode object) {
        JsonNode value = object.get("flow-offload");
        return value != null && value.asText().equals("on");
    }

    /** The farm, offloading if its object says so; a farm that cannot offload is reported. */
    static Farm apply(JsonNode object, Farm farm, DeviceFinder finder, String where, Problems problems) {
        String value = Values.text(where, "flow-offload", object.get("flow-offload"));
        switch (value) {
            case "", "off" -> {
                return farm;
            }
            case "on" -> { }
            default -> throw ConfigException.field(where, "flow-offload", value, "must be on or off");
        }
        Set<String> devices = new TreeSet<>();
        String in = Values.text(where, "iface", object.get("iface"));
        String out = Values.text(where, "oface", object.get("oface"));
        if (!in.isEmpty()) {
            devices.add(in);
        } else {
            farm.addresses().forEach(vip -> finder.deviceOf(vip).ifPresent(devices::add));
        }
        if (!out.isEmpty()) {
            devices.add(out);
        } else {
            farm.backends().forEach(b -> finder.deviceOf(b.address()).ifPresent(devices::add));
        }
        if (devices.isEmpty()) {
            problems.unsupported(where, "flow-offload", value, "the library offloads on the devices the farm's"
                    + " packets cross: give iface and oface, or run where ip finds them");
            return farm;
        }
        try {
            return farm.offload(devices.toArray(String[]::new));
        } catch (InvalidFarmException e) {
            problems.unsupported(where, "flow-offload", value, e.getMessage());
            return farm;
        }
    }
}
