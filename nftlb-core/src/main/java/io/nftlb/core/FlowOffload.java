package io.nftlb.core;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Flow offload of a farm's established connections: once conntrack has seen a TCP or UDP
 * connection both ways, its packets are forwarded by the kernel's flowtable fast path at the
 * ingress of the given devices, skipping the rest of netfilter (routing, NAT and the farm's rules
 * are applied from the cached flow). Only forwarded traffic can be offloaded, so only farms with
 * {@code dnat} or {@code snat} forwarding.
 *
 * <p>All offloading farms share one flowtable ({@code fastpath}) whose devices are the union of
 * theirs: list every device the farm's packets enter or leave by (the clients' side and the
 * backends' side). The flowtable counts bytes and packets into conntrack, so connection
 * counters keep working for offloaded flows. A change to that union (a farm bringing a new
 * device, or the last farm of a device leaving) replaces the load balancer's table in one
 * transaction; other changes touch map elements only.
 *
 * <p>Needs a kernel with {@code CONFIG_NF_FLOW_TABLE} and {@code CONFIG_NF_FLOW_TABLE_INET}; on
 * one without, the change is refused with an error that says so.
 *
 * @param devices the network devices, sorted and distinct
 */
public record FlowOffload(List<String> devices) {

    /** Most devices one flowtable hooks here: each costs a hook, and farms rarely span more. */
    public static final int MAX_DEVICES = 64;

    public FlowOffload {
        Objects.requireNonNull(devices, "devices");
        Check.that(!devices.isEmpty(), "flow offload", "needs at least one device");
        TreeSet<String> sorted = new TreeSet<>();
        for (String d : devices) {
            Check.that(d != null && d.matches("[A-Za-z0-9_.:@-]{1,15}"), "flow offload",
                    "device \"%s\" is not a device name (1 to 15 letters, digits, '_', '.', ':', '@', '-')", d);
            Check.that(sorted.add(d), "flow offload", "device \"%s\" is listed twice", d);
        }
        Check.that(sorted.size() <= MAX_DEVICES, "flow offload", "%d devices are more than %d", sorted.size(),
                MAX_DEVICES);
        devices = List.copyOf(sorted);
    }

    /** Offload on these devices. */
    public static FlowOffload on(String... devices) {
        return new FlowOffload(List.of(devices));
    }
}
