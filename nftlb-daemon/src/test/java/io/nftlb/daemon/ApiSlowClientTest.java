package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that open connections and stall (mid-headers, or mid-body after an accepted key) hold
 * no thread of the API: a normal client keeps getting answers, however many there are below the
 * connection limit; and a stalled connection is closed after the idle timeout.
 */
class ApiSlowClientTest {

    static final String KEY = "s3cret";
    static final int STALLED_HEADERS = 100;
    static final int STALLED_BODIES = 40;
    static final int REQUESTS = 20;

    @Test
    void stalledConnectionsDoNotStopANormalClient() throws Exception {
        // Far fewer threads than stalled connections, and a timeout longer than the test.
        ApiLimits limits = new ApiLimits(2, 1_000, Duration.ofMinutes(5), 8192, 1 << 20);
        List<Socket> stalled = new ArrayList<>();
        try (Daemon daemon = Daemon.start(new NullKernel(), ConfigEdits.empty());
             Api api = Api.start(daemon, "127.0.0.1", 0, KEY, limits)) {
            for (int i = 0; i < STALLED_HEADERS; i++) {
                stalled.add(RawHttp.open(api.port(), "GET /farms HTTP/1.1\r\n"));
            }
            for (int i = 0; i < STALLED_BODIES; i++) {
                stalled.add(RawHttp.open(api.port(), "POST /farms HTTP/1.1\r\nHost: x\r\nKey: " + KEY
                        + "\r\nContent-Length: 100\r\n\r\n{\"farms\": ["));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
            int answered = 0;
            for (int i = 0; i < REQUESTS; i++) {
                HttpRequest request = i % 2 == 0
                        ? HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/farms")).GET()
                                .header("Key", KEY).timeout(Duration.ofSeconds(20)).build()
                        : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/farms"))
                                .POST(HttpRequest.BodyPublishers.ofString(farm("f" + i)))
                                .header("Key", KEY).timeout(Duration.ofSeconds(20)).build();
                if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    answered++;
                }
            }
            assertEquals(REQUESTS, answered, "requests answered 200 while " + stalled.size() + " connections stall");
            assertEquals(REQUESTS / 2, daemon.farms().size());
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aStalledConnectionIsClosedAfterTheTimeout() throws Exception {
        ApiLimits limits = new ApiLimits(2, 100, Duration.ofSeconds(1), 8192, 1 << 20);
        try (Daemon daemon = Daemon.start(new NullKernel(), ConfigEdits.empty());
             Api api = Api.start(daemon, "127.0.0.1", 0, KEY, limits);
             Socket headers = RawHttp.open(api.port(), "GET /farms HTTP/1.1\r\n");
             Socket body = RawHttp.open(api.port(), "POST /farms HTTP/1.1\r\nHost: x\r\nKey: " + KEY
                     + "\r\nContent-Length: 100\r\n\r\n{")) {
            for (Socket s : List.of(headers, body)) {
                // Far longer than the timeout: without one, this read fails with SocketTimeoutException.
                s.setSoTimeout(60_000);
                RawHttp.readAll(s.getInputStream()); // returns once the server closed the connection
            }
        }
    }

    static String farm(String name) {
        return """
                {"farms": [{"name": "%s", "virtual-addr": "10.0.0.40", "virtual-ports": "%d", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""".formatted(name, 1000 + name.hashCode() % 1000);
    }
}
