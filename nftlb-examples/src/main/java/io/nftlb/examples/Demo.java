package io.nftlb.examples;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.examples.usecases.Lab;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's main command: builds a client, a balancer and three backends in network
 * namespaces, balances real connections through a farm, shows the distribution per backend
 * as it changes (weights; a backend's server stopping, which the health checks notice, and
 * starting again), and cleans up.
 */
public final class Demo {

    private static final String VIP = Lab.VIP;
    private static final int ROUND = 300;
    private static final PrintStream out = System.out;

    private Demo() {}

    public static void main(String[] args) {
        Privileges.exitUnlessRoot("The demo");
        out.println("nftlb for Java demo: client 10.0.0.2 -> balancer (VIP " + VIP + ":80) -> backends b0, b1, b2");
        try (Lab lab = Lab.start(Topology.builder().backends(3))) {
            LoadBalancer lb = lab.lb();
            lb.apply(Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12"))).join();
            try (HealthMonitor monitor = lab.monitor()
                    .watch(lb.farm("web").orElseThrow(), CheckPolicy.of(HealthCheck.tcp())
                            .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150)).fall(2).rise(2))
                    .build()) {
                monitor.start();
                traffic(lab, "round robin over three backends, TCP health checks every 200 ms");
                lb.apply(lb.farm("web").orElseThrow().weighted(Backend.of("b0", "10.1.0.10").weight(100),
                        Backend.of("b1", "10.1.0.11").weight(50), Backend.of("b2", "10.1.0.12").weight(50))).join();
                traffic(lab, "weights 100 : 50 : 50 (one atomic netlink commit of map elements)");
                lab.topology().backend(1).stopServers();
                out.println();
                out.println("b1's server stops; the health check notices after "
                        + awaitState(lb, BackendState.DOWN).toMillis() + " ms and takes b1 out");
                traffic(lab, "b1 down: its share goes to the others");
                lab.topology().backend(1).startServers();
                out.println();
                out.println("b1's server starts again; the health check brings it back after "
                        + awaitState(lb, BackendState.UP).toMillis() + " ms");
                traffic(lab, "b1 back up");
            }
            out.println();
            out.println("What the data path does for the farm now:");
            out.print(lb.explain("web").orElseThrow());
        }
        out.println("Cleaned up: every namespace is gone.");
    }

    /** Waits (at most 10 s) until the health monitor has committed {@code state} for b1; returns how long it took. */
    private static Duration awaitState(LoadBalancer lb, BackendState state) {
        long start = System.nanoTime();
        while (lb.farm("web").orElseThrow().backend("b1").orElseThrow().state() != state) {
            if (System.nanoTime() - start > Duration.ofSeconds(10).toNanos()) {
                throw new IllegalStateException("the health monitor did not set b1 " + state + " within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void traffic(Lab lab, String title) {
        out.println();
        out.println("== " + title);
        Map<String, Integer> seen = new TreeMap<>();
        for (int done = 0; done < ROUND; done += ROUND / 6) {
            Tally tally = lab.topology().client().tcp(VIP, 80).count(ROUND / 6).concurrency(4).run();
            tally.countsByBackend().forEach((b, n) -> seen.merge(b, n, Integer::sum));
            seen.merge("failed", tally.failed(), Integer::sum);
            draw(seen, done + ROUND / 6);
            pause(); // so that a person sees the table fill up
        }
        out.println();
    }

    private static void pause() {
        try {
            Thread.sleep(150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line per backend with a bar, redrawn in place. */
    private static void draw(Map<String, Integer> seen, int total) {
        String table = Bars.render(seen, total);
        out.print(table);
        if (total < ROUND) {
            out.print("\033[" + table.lines().count() + "A"); // move back up to redraw the table in place
        }
        out.flush();
    }
}
