/**
 * Entering network namespaces: the one place in nftlb that calls {@code setns(2)}. Not API: its
 * package is exported only to the nftlb modules that enter namespaces.
 */
module io.nftlb.netns {
    requires com.sun.jna;

    exports io.nftlb.netns.internal to io.nftlb.netlink, io.nftlb.testkit;

    // JNA implements the libc binding by reflection.
    opens io.nftlb.netns.internal to com.sun.jna;
}
