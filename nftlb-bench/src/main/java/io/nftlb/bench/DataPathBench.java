package io.nftlb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data-path benchmark (docs/benchmarks/datapath.md). Builds the client/balancer/backends namespaces, then,
 * for each system in turn and each service count, configures the same service set in the
 * balancer's namespace and measures, against the last service added:
 * <ul>
 *   <li>new-connection rate: wrk with {@code Connection: close}, one request per connection;</li>
 *   <li>request rate on persistent connections: wrk with keep-alive;</li>
 *   <li>first-packet latency p50/p99: sequential timed {@code connect()} calls;</li>
 *   <li>kernel CPU per 10k connections: {@code /proc/stat} system+irq+softirq during the
 *       connection-rate runs.</li>
 * </ul>
 * Each measure is repeated and the median kept. Results go to {@code datapath.csv},
 * {@code datapath.png} and between the result markers of {@code datapath.md} in the output
 * directory.
 *
 * <pre>
 * java -jar nftlb-bench/target/nftlb-bench.jar [--out DIR] [--scales 1,100,1000,10000]
 *     [--systems ours-dnat,...] [--repeats 3] [--seconds 3] [--latency-samples 1000]
 *     [--max-services-nftlb 1000] [--threads 2] [--connections 32]
 * </pre>
 */
public final class DataPathBench {

    private DataPathBench() {}

    /** The options, with the defaults of the documented 15-minute run. */
    record Options(Path out, List<Integer> scales, List<LbSystem> systems, int repeats, Duration run,
            int latencySamples, Map<String, Integer> maxServices, int threads, int connections) {
        static Options parse(String... args) {
            Path out = Path.of("docs/benchmarks");
            List<Integer> scales = List.of(1, 100, 1_000, 10_000);
            List<LbSystem> systems = LbSystem.all();
            int repeats = 3;
            Duration run = Duration.ofSeconds(3);
            int samples = 1000;
            int threads = 2;
            int connections = 32;
            Map<String, Integer> max = new LinkedHashMap<>();
            for (LbSystem system : LbSystem.known()) {
                max.put(system.name(), system.defaultMaxServices());
            }
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--out" -> out = Path.of(value);
                    case "--scales" -> scales = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf)
                            .toList();
                    case "--systems" -> systems = Arrays.stream(value.split(",")).map(String::trim)
                            .map(LbSystem::byName).toList();
                    case "--repeats" -> repeats = Integer.parseInt(value);
                    case "--seconds" -> run = Duration.ofSeconds(Integer.parseInt(value));
                    case "--latency-samples" -> samples = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--max-services-nftlb" -> max.put("nftlb", Integer.parseInt(value));
                    case "-h", "--help" -> {
                        System.out.println("usage: java -jar nftlb-bench.jar [--out DIR] [--scales 1,100,1000,10000] "
                                + "[--systems " + String.join(",", max.keySet()) + "] [--repeats 3] [--seconds 3] "
                                + "[--latency-samples 1000] [--max-services-nftlb 1000] [--threads 2] [--connections 32]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            for (int scale : scales) {
                if (scale < 1 || scale > Services.MAX) {
                    throw new IllegalArgumentException("service counts must be 1.." + Services.MAX + ": " + scale);
                }
            }
            return new Options(out, scales, systems, repeats, run, samples, max, threads, connections);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        long started = System.nanoTime();
        Environment before = Environment.capture();
        log("environment: " + before.summary());
        Path work = Files.createTempDirectory("nftlb-bench-");
        List<Point> points = new ArrayList<>();
        try (Harness harness = Harness.start(work)) {
            Thread hook = new Thread(harness::close, "nftlb-bench-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            warmUp(harness, options, work);
            for (LbSystem system : options.systems()) {
                for (int n : options.scales()) {
                    if (n > options.maxServices().get(system.name())) {
                        log(system.name() + " @ " + n + ": skipped (above --max-services for it)");
                        points.add(Point.failed(system.name(), n, Double.NaN, "not run (loader too slow, see text)"));
                        continue;
                    }
                    points.add(measure(harness, system, n, options, work));
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        Environment after = Environment.capture();
        double minutes = (System.nanoTime() - started) / 60e9;
        Report report = new Report(options, points, before, after, minutes);
        Files.createDirectories(options.out());
        Files.writeString(options.out().resolve("datapath.csv"), report.csv());
        Plot.write(points, options.systems().stream().map(LbSystem::name).toList(), options.scales(),
                options.out().resolve("datapath.png"));
        String results = report.markdown();
        ResultsPage.write(options.out().resolve("datapath.md"), "DataPathBench", results, "datapath-results.md");
        System.out.println(results);
        log(String.format(Locale.ROOT, "done in %.1f min; results in %s", minutes, options.out()));
        deleteTree(work);
    }

    /**
     * Traffic before the first measured point, so it does not pay for cold JIT code in the
     * probe, cold caches and first neighbour lookups: without it the first point's p50 came out
     * 10-40 us above the same configuration measured later in the run.
     */
    static void warmUp(Harness harness, Options options, Path work) {
        LbSystem system = LbSystem.all().get(0);
        try {
            system.configure(harness.balancer(), 1, work);
            harness.flushConntrack();
            harness.connectLatencies(Services.measured(1), 3000);
            harness.wrk(Services.measured(1), true, Duration.ofSeconds(2), options.threads(), options.connections());
            harness.wrk(Services.measured(1), false, Duration.ofSeconds(2), options.threads(), options.connections());
            log("warmed up with " + system.name() + " @ 1");
        } catch (Exception e) {
            log("warm-up failed (measuring anyway): " + e);
        } finally {
            safeClear(harness, system);
        }
    }

    static Point measure(Harness harness, LbSystem system, int n, Options options, Path work) {
        String vip = Services.measured(n);
        String label = system.name() + " @ " + n;
        long t0 = System.nanoTime();
        try {
            system.configure(harness.balancer(), n, work);
        } catch (RuntimeException e) {
            log(label + ": setup failed: " + e.getMessage());
            safeClear(harness, system);
            return Point.failed(system.name(), n, (System.nanoTime() - t0) / 1e9, "setup failed: " + firstLine(e));
        }
        double setup = (System.nanoTime() - t0) / 1e9;
        log(String.format(Locale.ROOT, "%s: configured in %.1f s", label, setup));
        try {
            harness.flushConntrack();
            double[] probe = harness.connectLatencies(vip, 20);
            if (probe.length == 0) {
                return Point.failed(system.name(), n, setup, "no connection to " + vip + " succeeded");
            }
            harness.wrk(vip, true, Duration.ofSeconds(1), options.threads(), options.connections()); // warm-up
            List<Double> conn = new ArrayList<>();
            List<Double> req = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            long errors = 0;
            for (int r = 0; r < options.repeats(); r++) {
                harness.flushConntrack();
                Harness.WrkResult close = harness.wrk(vip, true, options.run(), options.threads(), options.connections());
                harness.flushConntrack();
                Harness.WrkResult keep = harness.wrk(vip, false, options.run(), options.threads(), options.connections());
                double[] latency = harness.connectLatencies(vip, options.latencySamples());
                conn.add(close.rate());
                req.add(keep.rate());
                cpu.add(close.kernelMsPer10k());
                p50.add(Point.percentile(latency, 50));
                p99.add(Point.percentile(latency, 99));
                errors += close.errors() + keep.errors() + (options.latencySamples() - latency.length);
                log(String.format(Locale.ROOT, "%s: run %d: %.0f conn/s, %.0f req/s, p50 %.0f us, p99 %.0f us, "
                        + "%.1f kernel ms/10k conn, errors %d/%d/%d", label, r + 1, close.rate(), keep.rate(),
                        p50.getLast(), p99.getLast(), cpu.getLast(), close.errors(), keep.errors(),
                        options.latencySamples() - latency.length));
            }
            return new Point(system.name(), n, setup, Point.median(conn), Point.median(req), Point.median(p50),
                    Point.median(p99), Point.median(cpu), errors, null);
        } catch (Exception e) {
            log(label + ": measuring failed: " + e);
            return Point.failed(system.name(), n, setup, "measuring failed: " + firstLine(e));
        } finally {
            safeClear(harness, system);
        }
    }

    private static void safeClear(Harness harness, LbSystem system) {
        try {
            system.clear(harness.balancer());
            harness.flushConntrack();
        } catch (RuntimeException e) {
            log("clearing " + system.name() + " failed: " + e.getMessage());
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).replace('|', '/');
    }

    static void log(String line) {
        System.err.println("[" + Instant.now().toString().substring(11, 19) + "] " + line);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }
}
