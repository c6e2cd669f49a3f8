package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon killed with SIGKILL and started again with its {@code -c} file, as a crash or an
 * upgrade does, under traffic: 10 times with the same file, then 10 times with a changed one
 * (a weight). The rules stay in the kernel while no daemon runs; each start converges to its
 * file in its first transaction. Short connections run from several workers throughout and
 * each is checked, and a long connection opened before the first kill must work after the last.
 */
@RequiresNetns
class DaemonRestartUnderTrafficIT {

    static final String VIP = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 24;
    static final String KEY = "restart-test-key";

    @Test
    void sigkillAndRestartLoseNoConnection(@TempDir Path dir) throws Exception {
        try (Topology t = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(VIP);
            Path config = dir.resolve("lb.json");
            Files.writeString(config, config(1));
            int port = freePort();
            Process daemon = start(t, config, dir, port);
            int restarts = 0;
            // 4 workers: the daemon's JVM starts 20 times meanwhile, on the same CPUs.
            try (LongConnection live = t.client().openLongConnection(VIP, 80);
                 BackgroundRequests traffic = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(200)
                         .concurrency(4).inBackground()) {
                for (int i = 0; i < 20; i++) {
                    daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no clean-up of any kind
                    if (i >= 10) {
                        Files.writeString(config, config(2 + i % 3)); // a changed file: b2's weight
                    }
                    daemon = start(t, config, dir, port);
                    restarts++;
                }
                Tally tally = traffic.stop();
                System.out.println("[DaemonRestartUnderTrafficIT] " + restarts + " SIGKILL restarts under "
                        + tally.requests() + " connections: " + tally.failed() + " failed " + tally.failuresByReason());
                assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                        + " connections failed over " + restarts + " SIGKILL restarts, e.g. " + tally.outcomes().stream()
                        .filter(o -> o instanceof Tally.Failed).limit(3).toList());
                assertEquals(live.backend() + " after", live.exchange("after"), "the long connection");
            } finally {
                daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A port nothing listens on now (the kernel's choice), for the daemon's API. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String config(int b2Weight) {
        return """
                {"farms": [{"name": "web", "virtual-addr": "%s", "virtual-ports": "80", "mode": "dnat",
                  "scheduler": "weight", "backends": [
                    {"name": "b0", "ip-addr": "10.1.0.10", "weight": "1"},
                    {"name": "b1", "ip-addr": "10.1.0.11", "weight": "1"},
                    {"name": "b2", "ip-addr": "10.1.0.12", "weight": "%d"}]}]}
                """.formatted(VIP, b2Weight);
    }

    /** Starts the daemon in its own JVM, serving its API on the host's loopback; returns once it answers. */
    static Process start(Topology t, Path config, Path dir, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.nftlb.daemon.Main",
                "-c", config.toString(), "-n", t.balancer().namespace().name(),
                "-k", KEY, "-H", "127.0.0.1", "-P", Integer.toString(port)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the daemon exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("daemon.log")));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/farms")).header("Key", KEY).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the daemon did not answer within 60 s: " + Files.readString(dir.resolve("daemon.log")));
    }
}
