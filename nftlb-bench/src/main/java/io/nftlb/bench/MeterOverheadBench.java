package io.nftlb.bench;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What nftlb-micrometer's binder costs a change: two load balancers over netlink, each in a
 * fresh namespace with the same farms, one bare ({@code ours-netlink}) and one with
 * {@code LoadBalancerMetrics} bound to a Prometheus registry and watching it
 * ({@code ours-metered}, scraped once so its gauges exist). Their weight and state changes are
 * timed interleaved, one call each in turn (which goes first alternates), so that the load of a
 * shared machine falls on both alike; p50 and p99 of each, and the metered over the bare p50.
 * Rewrites the overhead results section of docs/benchmarks/metrics.md.
 *
 * <pre>nftlb-bench/overhead.sh [--farms 1000] [--ops 5000] [--warmup-seconds 10]</pre>
 */
public final class MeterOverheadBench {

    private MeterOverheadBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int farms = Integer.parseInt(opts.getOrDefault("farms", "1000"));
        int ops = Integer.parseInt(opts.getOrDefault("ops", "5000"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("warmup-seconds", "10")));
        StringBuilder rows = new StringBuilder();
        try (NetworkNamespace a = NetworkNamespace.create(); NetworkNamespace b = NetworkNamespace.create();
             LibraryControlPlane bare = new LibraryControlPlane("ours-netlink", NetlinkTransport.openInNamespace(a.name()));
             LibraryControlPlane metered = LibraryControlPlane.metered("ours-metered",
                     NetlinkTransport.openInNamespace(b.name()))) {
            bare.load(RuntimeBench.farms(farms));
            metered.load(RuntimeBench.farms(farms));
            metered.scrape();
            String last = RuntimeBench.farms(farms).get(farms - 1).name();
            Latency.Op weightBare = k -> bare.setWeight(last, "b" + (k % 4), 1 + k % 100);
            Latency.Op weightMetered = k -> metered.setWeight(last, "b" + (k % 4), 1 + k % 100);
            Latency.Op stateBare = k -> bare.setUp(last, "b1", k % 2 == 1);
            Latency.Op stateMetered = k -> metered.setUp(last, "b1", k % 2 == 1);
            rows.append(row("weight change", interleaved(warmup, ops, weightBare, weightMetered)));
            rows.append(row("state change", interleaved(warmup, ops, stateBare, stateMetered)));
        }
        Environment env = Environment.capture();
        String results = "Run " + env.at() + ", " + String.format(Locale.ROOT, "%,d", farms) + " farms of four backends"
                + " in each load balancer, " + ops + " timed calls of each kind on each, interleaved, after "
                + warmup.toSeconds() + " s of untimed ones. Machine: " + env.facts().get("CPU") + ", "
                + env.facts().get("kernel") + ", " + env.facts().get("java") + "; load average " + env.loadAverage()
                + ".\n\n| change | ours-netlink p50 / p99 | ours-metered p50 / p99 | metered over bare, p50 |\n"
                + "| --- | ---: | ---: | ---: |\n" + rows;
        System.out.print(results);
        ResultsPage.write(Path.of("docs/benchmarks/metrics.md"), "MeterOverheadBench", results, "overhead-results.md");
    }

    private static String row(String what, Latency[] both) {
        return String.format(Locale.ROOT, "| %s | %s / %s | %s / %s | %.3fx |%n", what,
                Latency.format(both[0].p50Micros()), Latency.format(both[0].p99Micros()),
                Latency.format(both[1].p50Micros()), Latency.format(both[1].p99Micros()),
                both[1].p50Micros() / both[0].p50Micros());
    }

    /** Warm-up of both, then {@code samples} timed calls of each, alternating which goes first. */
    private static Latency[] interleaved(Duration warmup, int samples, Latency.Op first, Latency.Op second)
            throws Exception {
        long end = System.nanoTime() + warmup.toNanos();
        for (int k = 0; k < 20 || System.nanoTime() < end; k++) {
            first.run(samples + k);
            second.run(samples + k);
        }
        long[][] nanos = new long[2][samples];
        Latency.Op[] ops = {first, second};
        for (int k = 0; k < samples; k++) {
            for (int j = 0; j < 2; j++) {
                int which = (k + j) % 2;
                long t0 = System.nanoTime();
                ops[which].run(k);
                nanos[which][k] = System.nanoTime() - t0;
            }
        }
        Latency[] out = new Latency[2];
        for (int i = 0; i < 2; i++) {
            Arrays.sort(nanos[i]);
            out[i] = new Latency(samples, nanos[i][samples / 2] / 1e3,
                    nanos[i][Math.min(samples - 1, (int) (samples * 0.99))] / 1e3);
        }
        return out;
    }
}
