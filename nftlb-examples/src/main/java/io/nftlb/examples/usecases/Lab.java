package io.nftlb.examples.usecases;

import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.examples.Bars;
import io.nftlb.examples.Privileges;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Function;

/**
 * Where the use-case examples run: a client (10.0.0.2), a balancer holding the virtual address
 * {@value #VIP} and backends b0, b1, ... at 10.1.0.10, 10.1.0.11, ..., each in its own network
 * namespace, with a {@link LoadBalancer} committing over netlink inside the balancer's namespace.
 * Backends route their replies through the balancer, as LVS-NAT and the paper's dNAT need.
 */
public final class Lab implements AutoCloseable {

    /** The virtual address every example balances. */
    public static final String VIP = "10.0.0.40";

    private final Topology topology;
    private final LoadBalancer lb;

    private Lab(Topology topology, LoadBalancer lb) {
        this.topology = topology;
        this.lb = lb;
    }

    /** Builds the namespaces; {@code topology} says how many backends, client addresses and ports. */
    public static Lab start(Topology.Builder topology) {
        Topology t = topology.returnPath(ReturnPath.VIA_BALANCER).start();
        try {
            t.balancer().addAddress(VIP);
            return new Lab(t, LoadBalancer.open(NetlinkTransport.openInNamespace(t.balancer().namespace().name())));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** The address of backend {@code i}. */
    public static String backendAddress(int i) {
        return "10.1.0." + (10 + i);
    }

    public Topology topology() {
        return topology;
    }

    public LoadBalancer lb() {
        return lb;
    }

    /** Opens {@code count} short TCP connections from the client to the VIP, four at a time. */
    public Tally connect(int port, int count) {
        return topology.client().tcp(VIP, port).count(count).concurrency(4).run();
    }

    /**
     * A health monitor builder that commits to this lab's balancer and probes backends from
     * inside the balancer's namespace, as a monitor on the balancer host would.
     */
    public HealthMonitor.Builder monitor() {
        return HealthMonitor.builder(BackendStateSink.of(lb))
                .network(ProbeNetwork.namespace(topology.balancer().namespace().name(),
                        topology.balancer().namespace().threadFactory()));
    }

    /**
     * Waits until the committed weights of {@code farm} satisfy {@code wanted}, polling every
     * 100 ms for at most {@code within}; returns them, or throws naming what was awaited.
     */
    public Map<String, Integer> awaitWeights(String farm, Predicate<Map<String, Integer>> wanted, Duration within,
            String what) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, Integer> weights = weights(farm);
        while (!wanted.test(weights)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen within " + within + ": weights " + weights);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting until " + what, e);
            }
            weights = weights(farm);
        }
        return weights;
    }

    /** The committed weight of each backend of {@code farm}, by name. */
    public Map<String, Integer> weights(String farm) {
        Map<String, Integer> weights = new TreeMap<>();
        lb.farm(farm).orElseThrow().backends().forEach(b -> weights.put(b.name(), b.weight()));
        return weights;
    }

    @Override
    public void close() {
        try {
            lb.close();
        } finally {
            topology.close();
        }
    }

    /**
     * What every example's {@code main} does: checks it can run, builds the lab, runs the
     * scenario, prints what the clients saw and what the data path does, and cleans up.
     */
    static void run(String title, Topology.Builder topology, Function<Lab, Tally> scenario) {
        PrintStream out = System.out;
        Privileges.exitUnlessRoot("This example");
        out.println(title);
        try (Lab lab = start(topology)) {
            Tally tally = scenario.apply(lab);
            out.print(Bars.render(tally.countsByBackend(), tally.requests()));
            if (tally.failed() > 0) {
                out.println("  failed " + tally.failed() + ": " + tally.failuresByReason());
            }
            lab.lb().farms().forEach(f -> lab.lb().explain(f.name()).ifPresent(out::print));
        }
        out.println("Cleaned up: every namespace is gone.");
    }
}
