package io.nftlb.healthcheck.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the monitor scales: N backends (default 10,000) probed over TCP every second on
 * loopback, against P listeners (default 200) in a child JVM, so the numbers measured here
 * are the monitor's own. Reports CPU (process CPU time over a steady window), memory (heap
 * after GC, RSS) and detection latency (time from closing some listeners to the monitor's
 * DOWN, and from reopening them to UP) as p50/p99, and writes a Markdown report.
 *
 * <p>Run from the repository root (see docs/benchmarks/healthcheck.md):
 * <pre>
 * mvn -B -q -o -pl nftlb-testkit,nftlb-core,nftlb-healthcheck test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp nftlb-healthcheck/target/test-classes:nftlb-healthcheck/target/classes:nftlb-core/target/classes:$(cat nftlb-healthcheck/target/cp.txt) \
 *     io.nftlb.healthcheck.bench.HealthCheckBenchmark [backends] [listeners] [report.md]
 * </pre>
 */
public final class HealthCheckBenchmark {

    static final int BASE_PORT = 21000; // below the ephemeral range (32768..60999), so no client socket holds one

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
            return;
        }
        int backends = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int listeners = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path report = Path.of(args.length > 2 ? args[2] : "docs/benchmarks/healthcheck.md");
        int stopped = Math.max(1, listeners / 50); // 2% of the listeners, so 2% of the backends

        // Listeners in a child JVM: their accept loops must not count as the monitor's CPU.
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                HealthCheckBenchmark.class.getName(), "serve", Integer.toString(listeners))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var control = new PrintWriter(server.getOutputStream(), true);
        var replies = new BufferedReader(new InputStreamReader(server.getInputStream()));
        expect(replies, "ready");

        List<Backend> list = new ArrayList<>(backends);
        for (int i = 0; i < backends; i++) {
            list.add(Backend.of("b" + i, "127.0." + (i / 250) + "." + (i % 250 + 1)).port(BASE_PORT + i % listeners));
        }
        Farm farm = Farm.dnat("10.0.0.1").port(80).named("bench").backends(list);
        Duration interval = Duration.ofSeconds(1);
        int fall = 3;
        int rise = 2;
        Duration timeout = Duration.ofMillis(500);

        Map<String, Long> downAt = new ConcurrentHashMap<>();
        Map<String, Long> upAt = new ConcurrentHashMap<>();
        AtomicLong probes = new AtomicLong();
        var sink = new BackendStateSink() {
            @Override
            public void stateChanged(String f, String backend, BackendState state) {
            }

            @Override
            public void weightsChanged(String f, Map<String, Integer> weights) {
            }
        };
        HealthCheck counted = HealthCheck.named("tcp", t -> {
            probes.incrementAndGet();
            return HealthCheck.tcp().probe(t);
        });
        HealthMonitor monitor;
        monitor = HealthMonitor.builder(sink).watch(farm, CheckPolicy.of(counted).interval(interval).timeout(timeout)
                        .fall(fall).rise(rise))
                .listener(c -> (c.to() == BackendState.DOWN ? downAt : upAt).put(c.backend(), System.nanoTime()))
                .build();

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        monitor.start();
        System.out.printf("monitoring %d backends on %d listeners, every %s%n", backends, listeners, interval);
        Thread.sleep(5_000); // warm up: JIT, spread of the first probes

        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        long probes0 = probes.get();
        Thread.sleep(10_000);
        double cores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
        double rate = (probes.get() - probes0) / ((System.nanoTime() - wall0) / 1e9);
        System.gc();
        Thread.sleep(200);
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = rss();
        System.out.printf("steady: %.0f probes/s, %.3f cores, heap after GC %d MiB, RSS %d MiB%n", rate, cores,
                heap >> 20, rss >> 20);
        int falseDowns = downAt.size();
        String loadAvg = Files.readString(Path.of("/proc/loadavg")).strip();

        // Detection: close `stopped` listeners, every backend on them must go DOWN.
        List<String> victims = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            if (i % listeners < stopped) {
                victims.add("b" + i);
            }
        }
        downAt.clear();
        control.println("stop " + stopped);
        expect(replies, "stopped");
        long stopT = System.nanoTime();
        waitAll(downAt, victims, Duration.ofSeconds(30));
        long[] down = latencies(downAt, victims, stopT);

        control.println("start " + stopped);
        expect(replies, "started");
        long startT = System.nanoTime();
        waitAll(upAt, victims, Duration.ofSeconds(30));
        long[] up = latencies(upAt, victims, startT);
        monitor.close();
        control.println("quit");
        server.waitFor();

        String cpuModel = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String md = """
                # Health check benchmark

                What it costs to watch many backends, and how fast a failure is seen.
                Program: `nftlb-healthcheck/src/test/java/io/nftlb/healthcheck/bench/HealthCheckBenchmark.java`.

                ## Setup
                - %d backends (distinct addresses 127.0.x.y), %d TCP listeners on the wildcard address
                  in a child JVM (so their accept loops are not counted), each listener shared by %d backends.
                - `HealthCheck.tcp()` every %d ms, timeout %d ms, fall %d, rise %d, first probes spread over
                  one interval, probes on virtual threads, system scheduler.
                - A machine running other work starves the monitor: probes start late and fewer run, so
                  CPU measured there is not a bound either way; the load average is in the results.

                ## Results
                <!-- results:begin (written by HealthCheckBenchmark) -->
                One run of %s. Machine: %s, %d CPUs available, kernel %s, Java %s.

                | measure | value |
                |---|---|
                | probes per second (steady, 10 s window) | %.0f |
                | CPU of the monitor's JVM (steady) | %.2f cores (%.1f µs per probe) |
                | heap after GC | %d MiB |
                | RSS of the monitor's JVM | %d MiB |
                | false DOWNs while all listeners were up | %d |
                | DOWN detection after closing %d listeners (%d backends): p50 / p99 / max | %d / %d / %d ms (%d seen) |
                | UP detection after reopening them: p50 / p99 / max | %d / %d / %d ms (%d seen) |
                | load average of the machine when the steady window ended | %s |

                Expected: DOWN after the `fall`-th refused probe, i.e. between (fall - 1) x interval and
                fall x interval after the failure (plus the timeout if probes time out instead of being
                refused): %d..%d ms. UP after the `rise`-th good probe: %d..%d ms.
                <!-- results:end -->

                ## Run it
                From the repository root:
                ```
                mvn -B -q -o -pl nftlb-testkit,nftlb-core,nftlb-healthcheck test-compile dependency:build-classpath \\
                    -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
                java -cp nftlb-healthcheck/target/test-classes:nftlb-healthcheck/target/classes:nftlb-core/target/classes:$(cat nftlb-healthcheck/target/cp.txt) \\
                    io.nftlb.healthcheck.bench.HealthCheckBenchmark 10000 200 docs/benchmarks/healthcheck.md
                ```
                Arguments: backends, listeners, report file. It needs no root (loopback only).
                """.formatted(backends, listeners, backends / listeners, interval.toMillis(), timeout.toMillis(), fall,
                rise, Instant.now().truncatedTo(ChronoUnit.MINUTES), cpuModel,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                Runtime.version(), rate, cores, cores * 1e6 / rate, heap >> 20, rss >> 20, falseDowns, stopped,
                victims.size(), down[0], down[1], down[2], down[3], up[0], up[1], up[2], up[3], loadAvg,
                (fall - 1) * interval.toMillis(), fall * interval.toMillis(), (rise - 1) * interval.toMillis(),
                rise * interval.toMillis());
        Files.createDirectories(report.toAbsolutePath().getParent());
        String begin = "<!-- results:begin";
        String end = "<!-- results:end -->";
        if (Files.exists(report) && Files.readString(report).contains(begin)) {
            // Rewrite only the results section: what the page says around it stays.
            String page = Files.readString(report);
            String fresh = md.substring(md.indexOf(begin), md.indexOf(end));
            Files.writeString(report, page.substring(0, page.indexOf(begin)) + fresh + page.substring(page.indexOf(end)));
        } else {
            Files.writeString(report, md);
        }
        System.out.print(md);
    }

    static long rss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(-1L);
    }

    static void expect(BufferedReader in, String what) throws Exception {
        String line = in.readLine();
        if (!what.equals(line)) {
            throw new IllegalStateException("listener process said " + line + ", expected " + what);
        }
    }

    static void waitAll(Map<String, Long> seen, List<String> names, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && !seen.keySet().containsAll(names)) {
            Thread.sleep(20);
        }
    }

    /** p50, p99, max in ms, and how many changed (those that did not within the wait are left out). */
    static long[] latencies(Map<String, Long> at, List<String> names, long from) {
        long[] ms = names.stream().filter(at::containsKey).mapToLong(n -> (at.get(n) - from) / 1_000_000).sorted()
                .toArray();
        if (ms.length == 0) {
            return new long[] {-1, -1, -1, 0};
        }
        return new long[] {ms[(int) Math.floor(0.50 * (ms.length - 1))], ms[(int) Math.floor(0.99 * (ms.length - 1))],
                ms[ms.length - 1], ms.length};
    }

    /** The child: P listeners that accept and close; "stop k"/"start k" close/reopen the first k. */
    static void serve(int count) throws Exception {
        ServerSocketChannel[] servers = new ServerSocketChannel[count];
        for (int i = 0; i < count; i++) {
            servers[i] = open(i);
        }
        System.out.println("ready");
        var in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] w = line.split(" ");
            int k = Integer.parseInt(w[1]);
            for (int i = 0; i < k; i++) {
                if (w[0].equals("stop")) {
                    servers[i].close();
                } else {
                    servers[i] = open(i);
                }
            }
            System.out.println(w[0].equals("stop") ? "stopped" : "started");
        }
        Arrays.stream(servers).forEach(s -> {
            try {
                s.close();
            } catch (Exception ignored) {
                // exiting
            }
        });
        System.exit(0);
    }

    static ServerSocketChannel open(int i) throws Exception {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.socket().setReuseAddress(true);
        s.bind(new InetSocketAddress(BASE_PORT + i), 4096);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SocketChannel c = s.accept();
                    c.close();
                }
            } catch (Exception closed) {
                // stopped
            }
        });
        return s;
    }
}
