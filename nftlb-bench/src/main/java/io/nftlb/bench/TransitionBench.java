package io.nftlb.bench;

import io.nftlb.bench.TransitionSubjects.Killed;
import io.nftlb.bench.TransitionSubjects.Library;
import io.nftlb.bench.TransitionSubjects.Subject;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Connections lost per transition (a program, not a test): short TCP connections to farm
 * {@code web} at the client's full speed (16 workers, every connection checked) while a control
 * plane is restarted again and again with a changed weight, or while its drift check repairs farm
 * {@code other} after someone deleted a part of it by hand. For this library (a
 * {@code LoadBalancer} closed and opened again), this project's daemon (SIGKILL, then started
 * again with its {@code -c} file) and Debian's nftlb restarted the same way, each in a fresh
 * topology; and, to show what the library no longer does, the library's table replaced by an
 * identical one in one transaction ({@code nft -f}: add, delete, the listing), next to what it
 * does where no diff reaches the kernel's table: the same replacement beside a stand-in table.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *     -cp nftlb-bench/target/nftlb-bench.jar io.nftlb.bench.TransitionBench [--restarts 10] [--repairs 9]
 *     [--out docs/benchmarks]</pre>
 */
public final class TransitionBench {

    static final int WORKERS = 16;
    static final int CLIENT_ADDRESSES = 24;
    static final Duration DRIFT_CHECK = Duration.ofSeconds(1);

    private TransitionBench() {}

    record Row(String system, String transition, int transitions, Tally tally) {
        double lostPer() {
            return (double) tally.failed() / transitions;
        }
    }

    /** One step of a run: the {@code i}th transition. */
    interface Step {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int restarts = Integer.parseInt(opts.getOrDefault("restarts", "10"));
        int repairs = Integer.parseInt(opts.getOrDefault("repairs", "9"));
        Path out = Path.of(opts.getOrDefault("out", "docs/benchmarks"));
        Environment env = Environment.capture();
        List<Row> rows = new ArrayList<>();
        rows.add(restarts("library", restarts));
        rows.add(replaces(restarts));
        rows.add(switches(restarts));
        rows.add(repairs("library", repairs));
        rows.add(restarts("daemon", restarts));
        rows.add(jvmStarts(restarts));
        rows.add(repairs("daemon", repairs));
        rows.add(restarts("nftlb", restarts));
        String results = results(env, rows, restarts, repairs);
        System.out.println(results);
        ResultsPage.write(out.resolve("runtime.md"), "TransitionBench", results, "transitions-results.md");
    }

    private static Subject subject(String which, NetworkNamespace balancer, Path dir, int port) {
        return switch (which) {
            case "library" -> new Library(balancer, DRIFT_CHECK);
            case "daemon" -> new Killed(true, balancer, dir, port, DRIFT_CHECK);
            case "nftlb" -> new Killed(false, balancer, dir, port, DRIFT_CHECK);
            default -> throw new IllegalArgumentException(which);
        };
    }

    /** {@code n} restarts, each with b2's weight changed. */
    static Row restarts(String which, int n) throws Exception {
        return withSubject(which, "restart, changed weight", n, (s, t) -> i -> s.restart(2 + i % 3));
    }

    /**
     * The control for the daemon's restarts: {@code n} JVMs started and ended next to a daemon
     * that keeps running (each runs the daemon's {@code -h}), so as much CPU goes to starting JVMs
     * on the same machine while nothing changes in the kernel.
     */
    static Row jvmStarts(int n) throws Exception {
        return withSubject("daemon", "none: a JVM started (control)", n, (s, t) -> i -> {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.nftlb.daemon.Main", "-h")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        });
    }

    /** {@code n} replacements of the library's table by the same table, in one {@code nft -f} transaction each. */
    static Row replaces(int n) throws Exception {
        Row r = withSubject("library", "table replaced by an identical one", n, (s, t) -> {
            NetworkNamespace ns = t.balancer().namespace();
            return i -> {
                String listing = ns.execOrThrow("nft", "list", "table", "inet", "nftlb").stdout();
                ns.nft("add table inet nftlb\ndelete table inet nftlb\n" + listing);
            };
        });
        return new Row("ours (library), then `nft -f`", r.transition(), r.transitions(), r.tally());
    }

    /**
     * {@code n} replacements of the library's table by the same table beside a stand-in, as the
     * library replaces a table no diff can reach ({@code TableSwitch}), in three {@code nft -f}
     * transactions each: the table under the stand-in's name, the replacement, the stand-in deleted.
     */
    static Row switches(int n) throws Exception {
        Row r = withSubject("library", "table replaced beside a stand-in", n, (s, t) -> {
            NetworkNamespace ns = t.balancer().namespace();
            return i -> {
                String listing = ns.execOrThrow("nft", "list", "table", "inet", "nftlb").stdout();
                String standIn = "nftlb-handover";
                ns.nft("add table inet " + standIn + "\ndelete table inet " + standIn + "\n"
                        + listing.replaceFirst("table inet nftlb \\{", "table inet " + standIn + " {"));
                ns.nft("add table inet nftlb\ndelete table inet nftlb\n" + listing);
                ns.nft("delete table inet " + standIn + "\n");
            };
        });
        return new Row("ours (library), then `nft -f`", r.transition(), r.transitions(), r.tally());
    }

    /**
     * {@code n} drift repairs of farm {@code other} while {@code web} serves: in turn, a backend's
     * element deleted, the farm's chain flushed, the farm's dispatch element and chain deleted.
     */
    static Row repairs(String which, int n) throws Exception {
        return withSubject(which, "drift repair of another farm", n, (s, t) -> {
            NetworkNamespace ns = t.balancer().namespace();
            return i -> {
                String before = TransitionSubjects.listing(ns);
                Matcher m = Pattern.compile("(0x[0-9a-f]+) comment \"other/o2\"").matcher(before);
                if (!m.find()) {
                    throw new IllegalStateException("no mark of other/o2 in the table:\n" + before);
                }
                List<String> tamperings = List.of(
                        "delete element inet nftlb dnat4 { " + m.group(1) + " }",
                        "flush chain inet nftlb farm-other",
                        "delete element inet nftlb farms4 { tcp . " + TransitionSubjects.OTHER + " . 80 }\n"
                                + "delete chain inet nftlb farm-other");
                ns.nft(tamperings.get(i % tamperings.size()) + "\n");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!TransitionSubjects.listing(ns).equals(before)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not repaired within 30 s: " + tamperings.get(i % 3));
                    }
                    Thread.sleep(20);
                }
            };
        });
    }

    interface Plan {
        Step make(Subject s, Topology t) throws Exception;
    }

    /** Starts the subject in a fresh topology, runs {@code n} steps under full-speed traffic, counts. */
    private static Row withSubject(String which, String transition, int n, Plan plan) throws Exception {
        Path dir = Files.createTempDirectory("nftlb-transitions");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (Topology t = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start();
             Subject s = subject(which, t.balancer().namespace(), dir, port)) {
            t.balancer().addAddress(TransitionSubjects.WEB);
            t.balancer().addAddress(TransitionSubjects.OTHER);
            s.start(1);
            Step step = plan.make(s, t);
            Tally tally;
            try (BackgroundRequests traffic = t.client().tcp(TransitionSubjects.WEB, 80).fromAllSourceAddresses()
                    .count(1000).concurrency(WORKERS).inBackground()) {
                Thread.sleep(500);
                for (int i = 0; i < n; i++) {
                    step.run(i);
                }
                Thread.sleep(200); // connections opened during the last transition finish
                tally = traffic.stop();
            }
            Row row = new Row(s.name(), transition, n, tally);
            System.out.printf(Locale.ROOT, "%-16s %-40s %3d: %d of %d connections lost %s%n", row.system(),
                    transition, n, tally.failed(), tally.requests(), tally.failuresByReason());
            return row;
        } finally {
            TransitionSubjects.delete(dir);
        }
    }

    static String results(Environment env, List<Row> rows, int restarts, int repairs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Run %s: `TransitionBench --restarts %d --repairs %d`, short TCP "
                + "connections from %d workers at full speed, every one checked. Machine: %s.%n%n", env.at(), restarts,
                repairs, WORKERS, env.summary()));
        s.append("| system | transition | transitions | connections | lost | lost per transition | how they failed |\n");
        s.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.1f | %s |%n", r.system(), r.transition(),
                    r.transitions(), r.tally().requests(), r.tally().failed(), r.lostPer(),
                    r.tally().failuresByReason().isEmpty() ? "" : r.tally().failuresByReason().toString()));
        }
        s.append("\nLost: refused (RST), reset, or no answer in time (connect 2 s, reply 2 s). Debian's nftlb has no drift "
                + "check (a repair is a restart).\n");
        return s.toString();
    }
}
