/**
 * The netlink transport: nf_tables batches over libmnl through JNA, ruleset readback,
 * conntrack and network namespaces. {@link io.nftlb.netlink.NetlinkTransport} is the entry
 * point. Packages under {@code io.nftlb.netlink.internal} are not exported.
 */
module io.nftlb.netlink {
    requires transitive io.nftlb.core;
    requires com.sun.jna;
    requires io.nftlb.netns;

    exports io.nftlb.netlink;

    // JNA implements the binding interfaces by reflection.
    opens io.nftlb.netlink.internal.sys to com.sun.jna;
}
