package io.nftlb.bench;

import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** This library's runtime, a {@link LoadBalancer} over a transport (netlink, or {@code nft -f}). */
final class LibraryControlPlane implements ControlPlane {

    private final String name;
    private final LoadBalancer lb;

    LibraryControlPlane(String name, Transport transport) {
        this.name = name;
        this.lb = LoadBalancer.open(transport);
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
