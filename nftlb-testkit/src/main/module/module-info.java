/**
 * JUnit 5 fixtures for kernel tests: throwaway network namespaces and a client, balancer and
 * backends topology with real servers. Packages under {@code io.nftlb.testkit.internal} are
 * not exported.
 */
module io.nftlb.testkit {
    requires transitive org.junit.jupiter.api;
    requires io.nftlb.netns;
    requires org.slf4j;

    exports io.nftlb.testkit;

    // JUnit instantiates the extension by reflection.
    opens io.nftlb.testkit to org.junit.platform.commons;
}
