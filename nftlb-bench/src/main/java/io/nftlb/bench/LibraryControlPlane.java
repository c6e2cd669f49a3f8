package io.nftlb.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.Transport;
import io.nftlb.micrometer.LoadBalancerMetrics;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** This library's runtime, a {@link LoadBalancer} over a transport (netlink, or {@code nft -f}), with or without meters. */
final class LibraryControlPlane implements ControlPlane {

    private final String name;
    private final LoadBalancer lb;
    private final PrometheusMeterRegistry registry; // null without meters

    LibraryControlPlane(String name, Transport transport) {
        this(name, LoadBalancer.open(transport), null);
    }

    private LibraryControlPlane(String name, LoadBalancer lb, PrometheusMeterRegistry registry) {
        this.name = name;
        this.lb = lb;
        this.registry = registry;
    }

    /**
     * The same, with nftlb-micrometer's {@link LoadBalancerMetrics} bound to a Prometheus
     * registry and watching the load balancer, as a service that exports its metrics runs it.
     */
    static LibraryControlPlane metered(String name, Transport transport) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LoadBalancerMetrics metrics = new LoadBalancerMetrics();
        metrics.bindTo(registry);
        LoadBalancer lb = LoadBalancer.builder(transport).listener(metrics).open();
        metrics.watch(lb);
        return new LibraryControlPlane(name, lb, registry);
    }

    /** One Prometheus scrape of the meters (none without them): registers every backend's gauges. */
    String scrape() {
        return registry == null ? "" : registry.scrape();
    }

    @Override
    public String name() {
        return name;
    }

    /** One call per farm, all in flight at once: the runtime coalesces them into few commits. */
    @Override
    public void load(List<Farm> farms) {
        CompletableFuture.allOf(farms.stream().map(lb::apply).toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public void setWeight(String farm, String backend, int weight) {
        lb.setWeight(farm, backend, weight).join();
    }

    @Override
    public void setUp(String farm, String backend, boolean up) {
        lb.setState(farm, backend, up ? BackendState.UP : BackendState.DOWN).join();
    }

    @Override
    public void add(Farm farm) {
        lb.apply(farm).join();
    }

    @Override
    public void remove(String farm) {
        lb.remove(farm).join();
    }

    /** The JVM heap in use after a full collection (the caller subtracts a baseline). */
    @Override
    public long memoryBytes() {
        return usedHeapAfterGc();
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Override
    public void close() {
        lb.close();
    }
}
