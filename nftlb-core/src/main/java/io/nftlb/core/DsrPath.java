package io.nftlb.core;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The link layer of a {@link Farm#dsr DSR} or {@link Farm#statelessDnat stateless dNAT} farm:
 * the device clients' packets arrive on (and its MAC, which stateless dNAT replies leave
 * with), the device they leave by towards the backends, the source MAC they leave with (that
 * device's), and each backend's MAC. DSR rewrites only the destination MAC and forwards the frame at
 * ingress, so backends must hold the farm's virtual addresses on their loopback (and not
 * answer ARP/ND for them) and reply to clients directly.
 *
 * <pre>{@code
 * DsrPath.of("web").in("eth0").out("eth1", "52:54:00:00:00:01")
 *         .backend("b1", "52:54:00:00:01:10").backend("b2", "52:54:00:00:01:11")
 * }</pre>
 *
 * <p>MACs are given, not learned: the caller knows them, or reads them from the neighbour table
 * ({@code ip neigh}) before compiling; a MAC that changes is a new path, compiled and applied
 * like any other change.
 */
public record DsrPath(String farm, String inDevice, String inMac, String outDevice, String outMac,
                      Map<String, String> backendMacs) {

    /** The MAC of a device not given yet. */
    public static final String UNKNOWN_MAC = "00:00:00:00:00:00";

    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

    public DsrPath {
        String where = "dsr path of farm \"" + farm + "\"";
        Check.name(where, "farm", farm);
        Check.that(inDevice != null && DEVICE.matcher(inDevice).matches(), where, "in device \"%s\" is not a device name",
                inDevice);
        Check.that(outDevice != null && DEVICE.matcher(outDevice).matches(), where,
                "out device \"%s\" is not a device name", outDevice);
        Check.that(inMac != null && MAC.matcher(inMac).matches(), where,
                "in MAC \"%s\" is not a MAC address (6 lower-case hex pairs joined by ':')", inMac);
        Check.that(outMac != null && MAC.matcher(outMac).matches(), where,
                "out MAC \"%s\" is not a MAC address (6 lower-case hex pairs joined by ':')", outMac);
        backendMacs.forEach((b, mac) -> Check.that(mac != null && MAC.matcher(mac).matches(), where,
                "backend \"%s\": MAC \"%s\" is not a MAC address (6 lower-case hex pairs joined by ':')", b, mac));
        backendMacs = Map.copyOf(backendMacs);
    }

    /** A path for this farm, in and out by {@code eth0}, with no MACs yet. */
    public static DsrPath of(String farm) {
        return new DsrPath(farm, "eth0", UNKNOWN_MAC, "eth0", UNKNOWN_MAC, Map.of());
    }

    /** Clients' packets arrive on this device. */
    public DsrPath in(String device) {
        return new DsrPath(farm, device, inMac, outDevice, outMac, backendMacs);
    }

    /** Clients' packets arrive on this device, whose MAC is {@code mac} (stateless dNAT replies leave with it). */
    public DsrPath in(String device, String mac) {
        return new DsrPath(farm, device, mac, outDevice, outMac, backendMacs);
    }

    /** Packets leave towards the backends by this device, with this source MAC (the device's). */
    public DsrPath out(String device, String mac) {
        return new DsrPath(farm, inDevice, inMac, device, mac, backendMacs);
    }

    /** A backend's MAC. */
    public DsrPath backend(String backend, String mac) {
        Map<String, String> macs = new LinkedHashMap<>(backendMacs);
        macs.put(requireNonNull(backend, "backend"), mac);
        return new DsrPath(farm, inDevice, inMac, outDevice, outMac, macs);
    }
}
