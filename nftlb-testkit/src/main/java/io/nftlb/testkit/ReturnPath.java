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
    NONE
}
