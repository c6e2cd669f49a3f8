package io.nftlb.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shows that a blacklist's size does not change the per-packet cost: for each list size, the
 * new-connection rate through a dNAT farm whose clients are not listed (so every packet is
 * looked up in the list and passes). Interval-set lookups are O(log n) in the kernel's
 * rbtree/pipapo, so the rate should stay flat from 10 to 100,000 networks.
 *
 * <pre>
 * java -cp nftlb-bench/target/nftlb-bench.jar io.nftlb.bench.PolicyBench [sizes, default 0,10,1000,100000] [connections per run, default 1000]
 * </pre>
 * Needs root (network namespaces). Prints one line per size: networks, load time, median rate of 3 runs.
 * Run it on a quiet machine: the rate is a whole-system figure (client, balancer and backend
 * share the CPUs), so other load moves it more than the list does.
 */
public final class PolicyBench {

    private PolicyBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::parseInt).toList()
                : List.of(0, 10, 1_000, 100_000);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        System.out.printf(Locale.ROOT, "%10s %12s %14s%n", "networks", "load ms", "new conns/s");
        for (int size : sizes) {
            // A fresh topology per size: thousands of connections in TIME_WAIT (client ports,
            // conntrack) slow the next run down far more than any list does.
            try (Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).start()) {
                measure(t, size, connections);
            }
        }
    }

    private static void measure(Topology t, int size, int connections) throws Exception {
        String vip = "10.0.0.40";
        t.balancer().addAddress(vip);
        List<Farm> farms = List.of(Farm.dnat(vip).port(80).named("web")
                .roundRobin(Backend.of("b0", t.backend(0).address())));
        try (LoadBalancer lb = LoadBalancer.builder(NftCliTransport.inNamespace(t.balancer().namespace().name()))
                .farms(farms).open()) {
            long t0 = System.nanoTime();
            lb.applyPolicy(Policy.blacklist("bench").on(t.balancer().clientInterface()).networks(networks(size))).join();
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            // Warm-up: one untimed run as long as a timed one (the in-JVM client is JIT-compiled
            // during its first thousands of connections, which otherwise shows as a rising rate).
            t.client().tcp(vip, 80).count(connections).concurrency(16).run();
            double[] rates = new double[3];
            for (int r = 0; r < rates.length; r++) {
                long s = System.nanoTime();
                Tally tally = t.client().tcp(vip, 80).count(connections).concurrency(16).run();
                double seconds = (System.nanoTime() - s) / 1e9;
                if (tally.answered() != connections) {
                    throw new IllegalStateException(size + " networks: " + tally);
                }
                rates[r] = connections / seconds;
            }
            Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "%10d %12d %14.0f%n", size, loadMs, rates[1]);
        }
    }

    /** {@code size} disjoint /30 blocks of 100.64.0.0/10, none of them the client's. */
    static List<Network> networks(int size) throws Exception {
        List<Network> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int a = (100 << 24) | (64 << 16) | (i * 32);
            String address = InetAddress.getByAddress(new byte[] {
                (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}).getHostAddress();
            out.add(Network.parse(address + "/30"));
        }
        return out;
    }
}
