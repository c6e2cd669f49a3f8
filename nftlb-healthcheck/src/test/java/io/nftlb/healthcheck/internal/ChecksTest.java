package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.HttpSpec;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.Target;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in checks against servers on loopback (no privileges needed). */
class ChecksTest {

    static HttpServer http;

    @BeforeAll
    static void startHttp() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/ok", ex -> {
            byte[] body = ("host=" + ex.getRequestHeaders().getFirst("Host") + " status: healthy\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.createContext("/fail", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        http.start();
    }

    @AfterAll
    static void stopHttp() {
        http.stop(0);
    }

    static Target target(int port) {
        return new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                Duration.ofSeconds(2), ProbeNetwork.current());
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void tcpIsUpWhenSomethingListensAndDownWhenRefused() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(HealthResult.up("connected"), HealthCheck.tcp().probe(target(s.getLocalPort())));
        }
        HealthResult r = HealthCheck.tcp().probe(target(closedPort()));
        assertEquals(HealthResult.Status.DOWN, r.status());
        assertEquals("connection refused", r.reason());
    }

    @Test
    void httpChecksStatusRangeHostAndBody() throws Exception {
        int port = http.getAddress().getPort();
        assertTrue(HealthCheck.http(HttpSpec.get("/ok")).probe(target(port)).isUp());
        HealthResult fail = HealthCheck.http(HttpSpec.get("/fail")).probe(target(port));
        assertEquals(HealthResult.down("status 500"), fail);
        assertTrue(HealthCheck.http(HttpSpec.get("/fail").expectStatus(500, 500)).probe(target(port)).isUp());
        assertTrue(HealthCheck.http(HttpSpec.get("/ok").host("www.example.com").expectBody("host=www\\.example\\.com"))
                .probe(target(port)).isUp(), "the Host header is sent");
        HealthResult body = HealthCheck.http(HttpSpec.get("/ok").expectBody("status: sick")).probe(target(port));
        assertFalse(body.isUp());
        assertTrue(body.reason().contains("body did not match"), body.reason());
        assertEquals("status 404", HealthCheck.http(HttpSpec.get("/nothing")).probe(target(port)).reason());
    }

    @Test
    void httpsWithoutAServerIsDown() throws Exception {
        // TLS against a plain HTTP server fails the handshake: down, with a reason, no exception.
        var t = new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(), http.getAddress().getPort()),
                Duration.ofMillis(300), ProbeNetwork.current());
        HealthResult r = HealthCheck.http(HttpSpec.get("/ok").tls(false)).probe(t);
        assertFalse(r.isUp());
    }

    @Test
    void udpWantsAMatchingReply() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] buf = new byte[512];
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        byte[] reply = ("pong " + new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII)).getBytes();
                        echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            int port = echo.getLocalPort();
            assertTrue(HealthCheck.udp("ping".getBytes(), Pattern.compile("^pong ping")).probe(target(port)).isUp());
            var t = new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Duration.ofMillis(200), ProbeNetwork.current());
            String reason = HealthCheck.udp("ping".getBytes(), Pattern.compile("^other")).probe(t).reason();
            assertEquals("reply did not match: pong ping", reason);
        }
        assertEquals("port unreachable", HealthCheck.udp("x".getBytes(), Pattern.compile("."))
                .probe(target(closedPort())).reason());
    }

    @Test
    void execUsesTheExitCodeAndFillsInTheTarget() throws Exception {
        assertTrue(HealthCheck.exec(List.of("test", "{port}", "=", "4242")).probe(target(4242)).isUp());
        assertEquals("exit 1", HealthCheck.exec(List.of("test", "{backend}", "=", "other")).probe(target(1)).reason());
        var t = new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
                Duration.ofMillis(200), ProbeNetwork.current());
        assertEquals("timed out, killed", HealthCheck.exec(List.of("sleep", "30")).probe(t).reason());
    }
}
