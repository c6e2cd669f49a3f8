package io.nftlb.testkit;

/** How a backend's replies find their way back to the client in a {@link Topology}. */
public enum ReturnPath {
    /**
     * Backends' default routes (IPv4 and IPv6) point at the balancer, as in a dNAT
     * deployment: replies to the client's own address go back through the balancer, and the
     * backend sees the client's address.
     */
    VIA_BALANCER,
    /**
     * Backends only know their own segment: they cannot reach the client's network, so only
     * an sNAT (masquerade) balancer, which makes the traffic come from its own address, works.
     */
    NONE,
    /**
     * As in a direct-server-return deployment: each backend also has a link straight to the
     * client ({@code direct} in the backend, {@code direct-bI} in the client) and routes the
     * client's IPv4 network over it, so replies never pass the balancer. Backends that are to
     * answer for a virtual address hold it on their loopback ({@link BackendHost#addLoopbackAddress}).
     * IPv4 only.
     */
    DIRECT
}
