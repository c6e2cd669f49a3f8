package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The daemon's {@code /metrics} and {@code /status/farms}: behind the API's key (unless opened),
 * counting the daemon's commits, and showing per backend the connections a client made through
 * the farm (conntrack still tracks them, in TIME_WAIT, for two minutes).
 */
@RequiresNetns
class DaemonObservabilityIT {

    static final String VIP = "10.0.0.40";
    static final String KEY = "s3cret";
    static final String FARM = """
            {"farms": [{"name": "web", "family": "ipv4", "virtual-addr": "10.0.0.40", "virtual-ports": "80",
              "mode": "snat", "protocol": "tcp", "scheduler": "weight", "state": "up",
              "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "weight": "1", "state": "up"},
                           {"name": "b1", "ip-addr": "10.1.0.11", "weight": "3", "state": "up"}]}]}""";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsAndStatusShowCommitsAndTheConnectionsTheClientMade() throws Exception {
        Observability observability = new Observability(false);
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(t.balancer().namespace().name()),
                     ConfigEdits.empty(), DeviceFinder.none(), Optional.empty(), observability.listeners())) {
            observability.watch(daemon);
            try (Api api = Api.start(daemon, "127.0.0.1", 0, KEY, ApiLimits.DEFAULTS, Optional.of(observability))) {
                t.balancer().addAddress(VIP);
                String base = "http://127.0.0.1:" + api.port();
                assertEquals(401, send("GET", base + "/metrics", "guess", null).statusCode());
                assertEquals(401, send("GET", base + "/status/farms", "guess", null).statusCode());
                assertEquals(200, send("POST", base + "/farms", KEY, FARM).statusCode());
                assertEquals(200, send("POST", base + "/farms", KEY,
                        "{\"farms\": [{\"name\": \"web\", \"backends\": [{\"name\": \"b0\", \"weight\": \"2\"}]}]}")
                        .statusCode());
                Tally tally = t.client().tcp(VIP, 80).count(30).run();
                assertEquals(30, tally.count("b0") + tally.count("b1"), tally.toString());

                send("GET", base + "/metrics", KEY, null); // the first scrape registers the backends' gauges
                HttpResponse<String> metrics = send("GET", base + "/metrics", KEY, null);
                assertEquals(200, metrics.statusCode(), metrics.body());
                assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                String text = metrics.body();
                assertEquals(1.0, value(text, "nftlb_commits_seconds_count{cause=\"start_up\",outcome=\"success\"}"), text);
                assertEquals(2.0, value(text, "nftlb_commits_seconds_count{cause=\"change\",outcome=\"success\"}"), text);
                assertEquals(tally.count("b0"), value(text, "nftlb_backend_connections{backend=\"b0\",farm=\"web\"}"), text);
                assertEquals(tally.count("b1"), value(text, "nftlb_backend_connections{backend=\"b1\",farm=\"web\"}"), text);
                assertEquals(2.0, value(text, "nftlb_backend_weight{backend=\"b0\",farm=\"web\"}"), text);

                HttpResponse<String> status = send("GET", base + "/status/farms/web", KEY, null);
                assertEquals(200, status.statusCode(), status.body());
                JsonNode farm = ConfigMapper.JSON.readTree(status.body()).path("farms").get(0);
                assertEquals("web", farm.path("name").asText());
                assertTrue(farm.path("explain").asText().contains("10.1.0.11"), farm.toString());
                assertEquals(tally.count("b1"), farm.path("backends").get(1).path("connections").asLong(), farm.toString());
                assertEquals(3, farm.path("backends").get(1).path("weight").asInt());
                assertEquals(404, send("GET", base + "/status/farms/nope", KEY, null).statusCode());
                assertEquals(405, send("POST", base + "/metrics", KEY, "{}").statusCode());
                assertTrue(send("GET", base + "/farms", KEY, null).body().contains("\"name\":\"web\""),
                        "nftlb's paths are answered as before");
            }
        }
    }

    @Test
    void anOptionOpensMetricsWithoutTheKey() throws Exception {
        Observability observability = new Observability(true);
        try (Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).start();
             Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(t.balancer().namespace().name()),
                     ConfigEdits.empty(), DeviceFinder.none(), Optional.empty(), observability.listeners())) {
            observability.watch(daemon);
            try (Api api = Api.start(daemon, "127.0.0.1", 0, KEY, ApiLimits.DEFAULTS, Optional.of(observability))) {
                String base = "http://127.0.0.1:" + api.port();
                HttpResponse<String> metrics = send("GET", base + "/metrics", "guess", null);
                assertEquals(200, metrics.statusCode(), metrics.body());
                assertTrue(metrics.body().contains("nftlb_commits_seconds_count"), metrics.body());
                assertEquals(401, send("GET", base + "/status/farms", "guess", null).statusCode());
                assertEquals(401, send("GET", base + "/farms", "guess", null).statusCode());
            }
        }
    }

    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElse(Double.NaN);
    }

    private HttpResponse<String> send(String method, String url, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Key", key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
