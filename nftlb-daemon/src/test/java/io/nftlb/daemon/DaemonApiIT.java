package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * nftlb's HTTP API, served in this JVM on a loopback port and driven by an HTTP client, over a
 * daemon whose load balancer commits into a fresh balancer namespace: each request is checked
 * in the kernel's ruleset and, for the weight change, with traffic.
 */
@RequiresNetns
class DaemonApiIT {

    static final String VIP = "10.0.0.40";
    static final String KEY = "s3cret";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void farmsAndBackendsAreCreatedChangedAndDeletedThroughTheApi() throws Exception {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(t.balancer().namespace().name()),
                     ConfigEdits.empty());
             Api api = Api.start(daemon, "127.0.0.1", 0, KEY)) {
            t.balancer().addAddress(VIP);
            String base = "http://127.0.0.1:" + api.port();

            assertOk(send("POST", base + "/farms", KEY, """
                    {"farms": [{"name": "web", "family": "ipv4", "virtual-addr": "10.0.0.40", "virtual-ports": "80",
                      "mode": "snat", "protocol": "tcp", "scheduler": "weight", "state": "up",
                      "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "weight": "1", "state": "up"}]}]}"""));
            String ruleset = ruleset(t);
            assertTrue(ruleset.contains("10.0.0.40") && ruleset.contains("10.1.0.10"), ruleset);
            assertFalse(ruleset.contains("10.1.0.11"), ruleset);

            assertOk(send("POST", base + "/farms", KEY, """
                    {"farms": [{"name": "web", "backends": [{"name": "b1", "ip-addr": "10.1.0.11", "weight": "1"}]}]}"""));
            assertTrue(ruleset(t).contains("10.1.0.11"), ruleset(t));
            Tally both = t.client().tcp(VIP, 80).count(20).run();
            assertEquals(2, both.backends().size(), "weights 1:1 over 20 connections should reach both: " + both);

            // Weight 0 takes b0 out of scheduling: every new connection goes to b1.
            assertOk(send("PUT", base + "/farms", KEY, """
                    {"farms": [{"name": "web", "backends": [{"name": "b0", "weight": "0"}]}]}"""));
            Tally onlyB1 = t.client().tcp(VIP, 80).count(8).run();
            assertEquals(8, onlyB1.count("b1"), "b0 has weight 0: " + onlyB1);

            HttpResponse<String> farm = send("GET", base + "/farms/web", KEY, null);
            assertEquals(200, farm.statusCode(), farm.body());
            assertTrue(farm.body().contains("\"weight\":\"0\""), farm.body());

            assertOk(send("DELETE", base + "/farms/web/backends/b1", KEY, null));
            assertFalse(ruleset(t).contains("10.1.0.11"), ruleset(t));
            HttpResponse<String> missing = send("DELETE", base + "/farms/web/backends/b1", KEY, null);
            assertEquals(404, missing.statusCode(), missing.body());

            HttpResponse<String> wrongKey = send("DELETE", base + "/farms/web", "guess", null);
            assertEquals(401, wrongKey.statusCode(), wrongKey.body());
            assertEquals("", wrongKey.body()); // as nftlb: no body
            HttpResponse<String> wrongKeyPost = send("POST", base + "/farms", "guess", """
                    {"farms": [{"name": "web", "backends": [{"name": "b2", "ip-addr": "10.1.0.12"}]}]}""");
            assertEquals(401, wrongKeyPost.statusCode(), wrongKeyPost.body());
            String after = ruleset(t);
            assertTrue(after.contains("10.0.0.40") && !after.contains("10.1.0.12"),
                    "a request with a wrong key changed the kernel: " + after);

            HttpResponse<String> unknown = send("POST", base + "/farms", KEY, """
                    {"farms": [{"name": "web", "colour": "blue"}]}""");
            assertEquals(400, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("error parsing buffer. farm \\\"web\\\": field \\\"colour\\\" = \\\"blue\\\" is not supported"),
                    unknown.body());

            assertOk(send("POST", base + "/addresses", KEY, """
                    {"addresses": [{"name": "a2", "family": "ipv4", "ip-addr": "10.0.0.42", "ports": "80", "protocol": "tcp"}]}"""));
            assertFalse(ruleset(t).contains("10.0.0.42"), "an address no farm names is not in the kernel: " + ruleset(t));
            assertOk(send("POST", base + "/farms", KEY, """
                    {"farms": [{"name": "web", "addresses": [{"name": "a2"}]}]}"""));
            assertTrue(ruleset(t).contains("10.0.0.42"), ruleset(t));
            assertOk(send("DELETE", base + "/farms/web/addresses/a2", KEY, null));
            assertFalse(ruleset(t).contains("10.0.0.42"), ruleset(t));

            assertOk(send("DELETE", base + "/farms/web", KEY, null));
            assertFalse(ruleset(t).contains("10.0.0.40"), ruleset(t));
            assertEquals("{\"farms\":[]}", send("GET", base + "/farms", KEY, null).body());
        }
    }

    private static String ruleset(Topology t) {
        return t.balancer().namespace().listRuleset();
    }

    private HttpResponse<String> send(String method, String url, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Key", key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertOk(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"response\": \"success\"}", response.body());
    }
}
