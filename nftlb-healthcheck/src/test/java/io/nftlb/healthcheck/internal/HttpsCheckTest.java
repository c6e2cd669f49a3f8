package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.HttpSpec;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.Target;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTPS against a server with a self-signed certificate. */
class HttpsCheckTest {

    static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        // A self-signed EC certificate for backend.test, valid for 100 years, made once with:
        // keytool -genkeypair -alias s -keyalg EC -dname CN=backend.test -ext SAN=dns:backend.test
        //   -validity 36500 -storetype PKCS12 -keystore selfsigned.p12 -storepass secret -keypass secret
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = HttpsCheckTest.class.getResourceAsStream("selfsigned.p12")) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/health", ex -> {
            byte[] body = ("ok " + ex.getRequestHeaders().getFirst("Host")).getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    Target target() {
        return new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.getAddress().getPort()), Duration.ofSeconds(3), ProbeNetwork.current());
    }

    @Test
    void withoutVerificationASelfSignedBackendIsUp() throws Exception {
        HealthResult r = HealthCheck.http(HttpSpec.get("/health").host("backend.test").expectBody("^ok backend\\.test")
                .tls(false)).probe(target());
        assertTrue(r.isUp(), r.toString());
    }

    @Test
    void withVerificationAnUntrustedCertificateIsDown() throws Exception {
        HealthResult r = HealthCheck.http(HttpSpec.get("/health").host("backend.test").tls(true)).probe(target());
        assertFalse(r.isUp());
        assertTrue(r.reason().startsWith("TLS"), r.reason());
    }
}
