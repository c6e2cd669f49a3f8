package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.TableComparison;
import io.nftlb.netlink.NetlinkTransport;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the kernel holds, for the load balancer's tests over netlink. These tests live in the
 * runtime's package (in this module, which has the netlink transport) to reach
 * {@link Expected} and the ids a load balancer gave its farms.
 */
final class Kernel {

    private Kernel() {}

    /** How the kernel's table differs from what the compiler makes of the load balancer's farms. */
    static List<String> differences(NetlinkTransport kernel, LoadBalancer lb) {
        return differences(kernel, Expected.table(lb, lb.farms()));
    }

    static List<String> differences(NetlinkTransport kernel, Table expected) {
        return kernel.read(Layout.TABLE).map(t -> TableComparison.differences(kernel.readForm(expected), t))
                .orElse(List.of("table " + Layout.TABLE + " is missing"));
    }

    /** Polls {@code done} until it holds, or fails with {@code state} once {@code deadline} has passed. */
    static void await(Duration deadline, Supplier<Boolean> done, Supplier<String> state) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + state.get());
            }
            Thread.sleep(20);
        }
    }

    /** A DSR farm and a stateless dNAT farm whose link layer is {@code lo} (no traffic: tables only). */
    static List<Farm> ingressFarms() {
        return List.of(
                Farm.dsr("10.0.0.50").port(80).named("direct").weighted(
                        Backend.of("d0", "10.1.0.20"), Backend.of("d1", "10.1.0.21")),
                Farm.statelessDnat("10.0.0.51").port(53).udp().named("dns")
                        .weighted(Backend.of("s0", "10.1.0.30")));
    }

    /** The paths of {@link #ingressFarms}. */
    static List<DsrPath> ingressPaths() {
        String mac = "02:00:00:00:00:01";
        return List.of(
                DsrPath.of("direct").in("lo").out("lo", mac).backend("d0", "02:00:00:00:01:20")
                        .backend("d1", "02:00:00:00:01:21"),
                DsrPath.of("dns").in("lo", mac).out("lo", mac).backend("s0", "02:00:00:00:01:30"));
    }
}
