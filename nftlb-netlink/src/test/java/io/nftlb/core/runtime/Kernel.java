package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.Layout;
import io.nftlb.core.plan.TableComparison;
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
}
