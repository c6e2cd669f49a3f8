package io.nftlb.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.CommandResult;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control planes {@link TransitionBench} restarts: each serves farm {@code web} (weighted, b0,
 * b1 and b2 at the given weight) and farm {@code other} (persistent, one backend) in the
 * balancer's namespace, and is restarted as a crash or an upgrade restarts it.
 */
final class TransitionSubjects {

    static final String WEB = "10.0.0.40";
    static final String OTHER = "10.0.0.41";
    private static final String KEY = "transition-bench";

    private TransitionSubjects() {}

    /** A control plane that can be started, restarted with another weight of b2, and stopped. */
    interface Subject extends AutoCloseable {
        String name();

        void start(int b2Weight) throws Exception;

        void restart(int b2Weight) throws Exception;

        @Override
        void close();
    }

    /** The library: a {@code LoadBalancer} closed and opened again on a fresh transport (the rules stay). */
    static final class Library implements Subject {
        private final String namespace;
        private final Duration driftCheck;
        private LoadBalancer lb;

        Library(NetworkNamespace balancer, Duration driftCheck) {
            this.namespace = balancer.name();
            this.driftCheck = driftCheck;
        }

        @Override
        public String name() {
            return "ours (library)";
        }

        @Override
        public void start(int b2Weight) {
            LoadBalancer.Builder b = LoadBalancer.builder(NetlinkTransport.openInNamespace(namespace))
                    .farms(List.of(web(b2Weight), other()));
            lb = (driftCheck.isZero() ? b : b.driftCheck(driftCheck)).open();
        }

        @Override
        public void restart(int b2Weight) {
            lb.close();
            start(b2Weight);
        }

        @Override
        public void close() {
            if (lb != null) {
                lb.close();
            }
        }

        static Farm web(int b2Weight) {
            return Farm.dnat(WEB).port(80).named("web").weighted(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12").weight(b2Weight));
        }

        static Farm other() {
            return Farm.dnat(OTHER).port(80).named("other").weighted(Backend.of("o2", "10.1.0.12"))
                    .persistent(Duration.ofMinutes(1));
        }
    }

    /**
     * A process started with an nftlb JSON file ({@code -c}) and killed with SIGKILL: this
     * project's daemon in a JVM of its own, or Debian's nftlb inside the balancer's namespace.
     */
    static final class Killed implements Subject {
        private final boolean ours;
        private final NetworkNamespace balancer;
        private final Path dir;
        private final int port;
        private final Duration driftCheck;
        private Process process;

        Killed(boolean ours, NetworkNamespace balancer, Path dir, int port, Duration driftCheck) {
            this.ours = ours;
            this.balancer = balancer;
            this.dir = dir;
            this.port = port;
            this.driftCheck = driftCheck;
        }

        @Override
        public String name() {
            return ours ? "ours (daemon)" : "nftlb";
        }

        @Override
        public void start(int b2Weight) throws Exception {
            Path config = dir.resolve(ours ? "daemon.json" : "nftlb.json");
            Files.writeString(config, json(b2Weight));
            Path log = dir.resolve(ours ? "daemon.log" : "nftlb.log");
            List<String> command = new ArrayList<>();
            if (ours) {
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        "io.nftlb.daemon.Main", "-n", balancer.name(), "--drift-check",
                        Long.toString(driftCheck.toSeconds())));
            } else {
                balancer.execOrThrow("ip", "link", "set", "lo", "up"); // nftlb's API listens on the namespace's loopback
                command.addAll(List.of("ip", "netns", "exec", balancer.name(), "nftlb", "-l", "3"));
            }
            command.addAll(List.of("-c", config.toString(), "-k", KEY, "-H", "127.0.0.1", "-P", Integer.toString(port)));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitAnswer(log);
        }

        @Override
        public void restart(int b2Weight) throws Exception {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no clean-up of any kind
            start(b2Weight);
        }

        /** Waits until the API answers GET /farms (ours on the host's loopback, nftlb on the namespace's). */
        private void awaitAnswer(Path log) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name() + " exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                List<String> curl = List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2",
                        "-H", "Key: " + KEY, "http://127.0.0.1:" + port + "/farms");
                String status = ours ? run(curl) : balancer.exec(curl.toArray(String[]::new)).stdout();
                if (status.strip().equals("200")) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException(name() + " did not answer within 60 s: " + Files.readString(log));
        }

        private static String run(List<String> command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        }

        @Override
        public void close() {
            if (process != null) {
                try {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The two farms in nftlb's JSON, which both daemons read. */
        static String json(int b2Weight) {
            return """
                    {"farms": [
                      {"name": "web", "family": "ipv4", "virtual-addr": "%s", "virtual-ports": "80", "mode": "dnat",
                       "protocol": "tcp", "scheduler": "weight", "state": "up", "backends": [
                        {"name": "b0", "ip-addr": "10.1.0.10", "weight": "1", "state": "up"},
                        {"name": "b1", "ip-addr": "10.1.0.11", "weight": "1", "state": "up"},
                        {"name": "b2", "ip-addr": "10.1.0.12", "weight": "%d", "state": "up"}]},
                      {"name": "other", "family": "ipv4", "virtual-addr": "%s", "virtual-ports": "80", "mode": "dnat",
                       "protocol": "tcp", "scheduler": "weight", "state": "up", "persistence": "srcip",
                       "persist-ttl": "60", "backends": [
                        {"name": "o2", "ip-addr": "10.1.0.12", "weight": "1", "state": "up"}]}]}
                    """.formatted(WEB, b2Weight, OTHER);
        }
    }

    /** The library's inet table as {@code nft} lists it, counters left out (they move with traffic). */
    static String listing(NetworkNamespace ns) {
        CommandResult r = ns.exec("nft", "list", "table", "inet", "nftlb");
        if (r.exitCode() != 0) {
            return "";
        }
        return r.stdout().replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
