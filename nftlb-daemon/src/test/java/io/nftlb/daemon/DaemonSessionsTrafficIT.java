package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * nftlb's dynamic sessions through the daemon, made by real connections: GET
 * /farms/NAME/sessions lists the static session and then one dynamic session per client that
 * connected, in nftlb's fields (client, backend, expiration as nft prints the time left);
 * DELETE /farms/NAME/backends/B/sessions makes the kernel forget B's clients, and DELETE
 * /farms/NAME/sessions/CLIENT one client.
 */
@RequiresNetns
class DaemonSessionsTrafficIT {

    static final String VIP = "10.0.0.40";
    /** nft's duration: 59m58s120ms, 4m59s, 12ms... */
    static final Pattern NFT_DURATION = Pattern.compile("(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    @Test
    void dynamicSessionsAreListedAsNftlbDoesAndFlushedPerBackend() throws Exception {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(6).start()) {
            t.balancer().addAddress(VIP);
            String config = """
                    {"farms": [{"name": "lb01", "virtual-addr": "%s", "virtual-ports": "80", "mode": "snat",
                       "scheduler": "weight", "persistence": "srcip", "persist-ttl": "300",
                       "sessions": [{"client": "192.0.2.99", "backend": "bck1"}],
                       "backends": [{"name": "bck0", "ip-addr": "%s", "state": "up"},
                                    {"name": "bck1", "ip-addr": "%s", "state": "up"}]}]}
                    """.formatted(VIP, t.backend(0).address(), t.backend(1).address());
            String ns = t.balancer().namespace().name();
            try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns), ConfigMapper.parse(config),
                    DeviceFinder.ip(Optional.of(ns)))) {
                NftlbRoutes routes = new NftlbRoutes(daemon);
                assertEquals("{\"sessions\":[{\"client\":\"192.0.2.99\",\"backend\":\"bck1\"}]}",
                        get(routes).toString(), "only the static session before any connection");

                List<String> sources = t.client().sourceAddresses();
                Tally tally = t.client().tcp(VIP, 80).from(sources.toArray(String[]::new)).count(sources.size() * 2).run();
                assertEquals(sources.size() * 2, tally.answered(), tally.toString());
                Map<String, String> servedBy = new HashMap<>();
                tally.backendsBySource().forEach((s, b) -> servedBy.put(s, "bck" + b.iterator().next().substring(1)));

                JsonNode sessions = get(routes).path("sessions");
                assertEquals(1 + sources.size(), sessions.size(), sessions.toString());
                assertEquals("192.0.2.99", sessions.get(0).path("client").asText(), "static sessions first");
                Map<String, String> listed = new HashMap<>();
                for (JsonNode s : sessions) {
                    if (s.has("expiration")) {
                        List<String> fields = new java.util.ArrayList<>();
                        s.fieldNames().forEachRemaining(fields::add);
                        assertEquals(List.of("client", "backend", "expiration"), fields, s.toString());
                        assertTrue(NFT_DURATION.matcher(s.path("expiration").asText()).matches()
                                && !s.path("expiration").asText().isEmpty(), s.toString());
                        listed.put(s.path("client").asText(), s.path("backend").asText());
                    }
                }
                assertEquals(servedBy, listed, "each client on the backend that served it");

                String gone = servedBy.containsValue("bck0") ? "bck0" : "bck1";
                Api.Reply flushed = routes.route("DELETE", List.of("farms", "lb01", "backends", gone, "sessions"), new byte[0]);
                assertEquals(200, flushed.status(), flushed.body());
                Map<String, String> left = dynamic(get(routes));
                Map<String, String> expected = new HashMap<>(servedBy);
                expected.values().removeIf(gone::equals);
                assertEquals(expected, left, "the kernel forgot " + gone + "'s clients, and only them");

                if (!left.isEmpty()) {
                    String client = left.keySet().iterator().next();
                    Api.Reply one = routes.route("DELETE", List.of("farms", "lb01", "sessions", client), new byte[0]);
                    assertEquals(200, one.status(), one.body());
                    expected.remove(client);
                    assertEquals(expected, dynamic(get(routes)), "the kernel forgot " + client);
                }
            }
        }
    }

    private static JsonNode get(NftlbRoutes routes) throws Exception {
        Api.Reply r = routes.route("GET", List.of("farms", "lb01", "sessions"), new byte[0]);
        assertEquals(200, r.status(), r.body());
        return ConfigMapper.parse(r.body().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> dynamic(JsonNode reply) {
        Map<String, String> out = new HashMap<>();
        reply.path("sessions").forEach(s -> {
            if (s.has("expiration")) {
                out.put(s.path("client").asText(), s.path("backend").asText());
            }
        });
        return out;
    }
}
