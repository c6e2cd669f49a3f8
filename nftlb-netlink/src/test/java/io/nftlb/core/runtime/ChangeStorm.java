package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A control plane in a process of its own that changes its farms as fast as it can until it is
 * killed, for {@link MidStormKillIT}: it starts over whatever the kernel has (converging to the
 * base farms), then changes b2's weight, takes b3 in and out of service and adds and removes a
 * second farm, keeping several changes in flight, and prints {@code committed N} every 100
 * committed changes. b0 and b1 always serve {@code web}.
 *
 * <p>Arguments: the balancer's namespace.
 */
public final class ChangeStorm {

    static final String VIP = "10.0.0.40";
    static final String OTHER_VIP = "10.0.0.41";
    /** Changes submitted and not yet joined: enough to keep the commit thread busy. */
    static final int IN_FLIGHT = 8;

    private ChangeStorm() {}

    public static void main(String[] args) {
        LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(args[0])).farms(base()).open();
        System.out.println("started");
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        for (long i = 1; ; i++) {
            long n = i;
            inFlight.add(lb.update(c -> change(c, n)));
            if (inFlight.size() >= IN_FLIGHT) {
                inFlight.remove().join();
            }
            if (i % 100 == 0) {
                System.out.println("committed " + (i - inFlight.size()));
                System.out.flush();
            }
        }
    }

    /** The farms a start converges to. */
    static List<Farm> base() {
        return List.of(web(1));
    }

    /** The {@code n}th change of the storm: always b2's weight, and in turn b3's state or the other farm. */
    private static void change(Changes c, long n) {
        c.setWeight("web", "b2", (int) (1 + n % 5));
        switch ((int) (n % 4)) {
            case 0 -> c.setState("web", "b3", BackendState.DOWN);
            case 1 -> c.apply(other());
            case 2 -> c.setState("web", "b3", BackendState.UP);
            default -> c.remove("other");
        }
    }

    static Farm web(int b2Weight) {
        return Farm.dnat(VIP).port(80).named("web").weighted(Backend.of("b0", "10.1.0.10"),
                Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12").weight(b2Weight),
                Backend.of("b3", "10.1.0.13"));
    }

    static Farm other() {
        return Farm.dnat(OTHER_VIP).port(80).named("other").roundRobin(Backend.of("b3", "10.1.0.13"));
    }
}
