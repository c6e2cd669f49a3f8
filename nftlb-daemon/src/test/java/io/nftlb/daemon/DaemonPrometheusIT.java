package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes the daemon's {@code /metrics}: both run in the
 * balancer's namespace, Prometheus with its configuration and data in the test's directory. After
 * connections through a farm, Prometheus's query API has each backend's connection count as the
 * client saw it (conntrack tracks the closed connections for two minutes in TIME_WAIT) and the
 * daemon's commits. Debian's Prometheus (2.42) cannot send the API's {@code Key} header, so the
 * daemon serves {@code /metrics} without it ({@code --metrics-without-key}).
 */
@RequiresNetns
class DaemonPrometheusIT {

    static final String VIP = "10.0.0.40";
    static final int PROMETHEUS_PORT = 19090;

    @Test
    void prometheusScrapesTheConnectionsTheClientMadeAndTheCommits(@TempDir Path dir) throws Exception {
        Observability observability = new Observability(true);
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(t.balancer().namespace().name()),
                     ConfigEdits.empty(), DeviceFinder.none(), Optional.empty(), observability.listeners())) {
            NetworkNamespace ns = t.balancer().namespace();
            ns.execOrThrow("ip", "link", "set", "lo", "up");
            observability.watch(daemon);
            // The API's socket is made inside the balancer's namespace, where Prometheus runs.
            try (Api api = ns.runInside(() -> Api.start(daemon, "127.0.0.1", 0, "s3cret", ApiLimits.DEFAULTS,
                    Optional.of(observability)))) {
                t.balancer().addAddress(VIP);
                daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse(DaemonObservabilityIT.FARM
                        .getBytes(StandardCharsets.UTF_8))));
                daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse(
                        "{\"farms\": [{\"name\": \"web\", \"backends\": [{\"name\": \"b0\", \"weight\": \"2\"}]}]}"
                                .getBytes(StandardCharsets.UTF_8))));
                Tally tally = t.client().tcp(VIP, 80).count(40).run();
                assertEquals(40, tally.count("b0") + tally.count("b1"), tally.toString());

                Process prometheus = startPrometheus(ns, dir, api.port());
                try {
                    Map<String, Double> want = Map.of("b0", (double) tally.count("b0"), "b1", (double) tally.count("b1"));
                    Map<String, Double> seen = Map.of();
                    double commits = Double.NaN;
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (System.nanoTime() < deadline && !(seen.equals(want) && commits == 2.0)) {
                        Thread.sleep(500);
                        assertTrue(prometheus.isAlive(), "prometheus exited: " + log(dir));
                        seen = byBackend(query(ns, "nftlb_backend_connections{farm=\"web\"}"));
                        commits = byBackend(query(ns,
                                "nftlb_commits_seconds_count{cause=\"change\",outcome=\"success\"}")).getOrDefault("", Double.NaN);
                    }
                    assertEquals(want, seen, "per-backend connections in Prometheus; its log:\n" + log(dir));
                    assertEquals(2.0, commits, "the daemon's two changes");
                } finally {
                    prometheus.destroy();
                    if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                        prometheus.destroyForcibly();
                    }
                }
            }
        }
    }

    private static Process startPrometheus(NetworkNamespace ns, Path dir, int apiPort) throws IOException {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: nftlb-daemon
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(apiPort));
        Files.createDirectories(dir.resolve("data"));
        return new ProcessBuilder("ip", "netns", "exec", ns.name(), "prometheus",
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    private static String log(Path dir) throws IOException {
        String text = Files.readString(dir.resolve("prometheus.log"));
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    /** Prometheus's instant query, asked from inside the namespace (its port is there). */
    private static JsonNode query(NetworkNamespace ns, String promql) throws Exception {
        return ns.runInside(() -> {
            URI uri = URI.create("http://127.0.0.1:" + PROMETHEUS_PORT + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (InputStream in = c.getInputStream()) {
                return ConfigMapper.JSON.readTree(in);
            } catch (IOException e) {
                return ConfigMapper.JSON.createObjectNode(); // not up yet
            } finally {
                c.disconnect();
            }
        });
    }

    /** The result's values by their {@code backend} label ("" without one). */
    private static Map<String, Double> byBackend(JsonNode answer) {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode r : answer.path("data").path("result")) {
            out.put(r.path("metric").path("backend").asText(""), Double.parseDouble(r.path("value").get(1).asText()));
        }
        return out;
    }
}
