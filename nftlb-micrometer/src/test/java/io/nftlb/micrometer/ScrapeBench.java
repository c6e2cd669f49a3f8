package io.nftlb.micrometer;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a Prometheus scrape of {@link LoadBalancerMetrics} costs at 1,000 farms of four backends,
 * against the number of tracked connections: one conntrack dump ({@code LoadBalancer.counters()})
 * and the whole scrape (snapshot, dump and the text of 4,000 backends' gauges), median of the
 * repetitions, each scrape in a new scrape interval. Run by {@code nftlb-micrometer/bench.sh};
 * rewrites the results section of docs/benchmarks/metrics.md.
 *
 * <p>Arguments: repetitions, then connection counts (default {@code 9 0 10000 100000}).
 */
public final class ScrapeBench {

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        List<Integer> counts = args.length > 1
                ? Arrays.stream(args).skip(1).map(Integer::parseInt).toList() : List.of(0, 10_000, 100_000);
        StringBuilder rows = new StringBuilder();
        double baseline = Double.NaN;
        for (int connections : counts) {
            double[] r = run(reps, connections);
            if (Double.isNaN(baseline)) {
                baseline = r[1];
            }
            String perConnection = connections == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.1f µs", r[0] * 1000 / connections);
            rows.append(String.format(Locale.ROOT, "| %,d | %.1f ms | %.1f ms | %s | %.1fx |%n", connections,
                    r[0], r[1], perConnection, r[1] / baseline));
            System.out.print(rows.toString().lines().reduce((a, b) -> b).orElse("") + "\n");
        }
        String results = "Run " + Instant.now() + ", " + ScrapeAtScaleIT.FARMS + " farms of 4 backends, median of "
                + reps + " scrapes per row. Machine: " + machine() + ".\n\n"
                + "| tracked connections | one conntrack dump | whole scrape (4,000 backends) | dump per connection"
                + " | scrape against 0 connections |\n| ---: | ---: | ---: | ---: | ---: |\n" + rows;
        Path page = Path.of("docs/benchmarks/metrics.md");
        String begin = "<!-- results:begin (written by ScrapeBench) -->";
        String text = Files.readString(page);
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf("<!-- results:end -->", from);
        Files.writeString(page, text.substring(0, from) + "\n" + results + "\n" + text.substring(to));
        System.out.println(results);
    }

    /** @return median ms of one dump and of one scrape */
    private static double[] run(int reps, int connections) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            MockClock clock = new MockClock();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                    new PrometheusRegistry(), clock);
            LoadBalancerMetrics metrics = new LoadBalancerMetrics(Duration.ofSeconds(15));
            metrics.bindTo(registry);
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name())).listener(metrics)
                    .farms(ScrapeAtScaleIT.farms()).open()) {
                metrics.watch(lb);
                List<Long> marks = new ArrayList<>();
                lb.farms().forEach(f -> marks.addAll(lb.marks(f.name()).values()));
                if (connections > 0) {
                    TrackedConnections.load(ns, marks, connections);
                }
                registry.scrape(); // registers the gauges
                for (int i = 0; i < 3; i++) { // warm-up
                    clock.add(Duration.ofSeconds(15));
                    registry.scrape();
                    lb.counters();
                }
                double[] dumps = new double[reps];
                double[] scrapes = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    lb.counters();
                    long t1 = System.nanoTime();
                    clock.add(Duration.ofSeconds(15));
                    registry.scrape();
                    long t2 = System.nanoTime();
                    dumps[i] = (t1 - t0) / 1e6;
                    scrapes[i] = (t2 - t1) / 1e6;
                }
                Arrays.sort(dumps);
                Arrays.sort(scrapes);
                return new double[] {dumps[reps / 2], scrapes[reps / 2]};
            }
        }
    }

    private static String machine() throws Exception {
        String cpu = Files.readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        return cpu + " x " + Runtime.getRuntime().availableProcessors() + ", Linux "
                + System.getProperty("os.version") + ", " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "; load average " + Files.readString(Path.of("/proc/loadavg")).strip();
    }
}
