package io.nftlb.core.runtime;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * What a jqwik kernel property keeps across its tries: one network namespace (jqwik does not run
 * JUnit extensions, so the property makes it itself; root needed, as for every *IT), a transport
 * that reads the kernel's tables, and the current try's load balancer.
 */
final class PropertyKernel implements AutoCloseable {

    final NetworkNamespace ns = NetworkNamespace.create();
    final NetlinkTransport probe = NetlinkTransport.openInNamespace(ns.name());
    private LoadBalancer current;

    /** A new load balancer over netlink in the namespace, without a coalescing window; the previous try's is closed. */
    LoadBalancer open(UnaryOperator<LoadBalancer.Builder> settings) {
        closeLoadBalancer();
        current = settings.apply(LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                .coalesce(Duration.ZERO)).open();
        return current;
    }

    void closeLoadBalancer() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        closeLoadBalancer();
        probe.close();
        ns.close();
    }
}
