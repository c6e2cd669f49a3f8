package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the API refuses before anything reaches the kernel: bodies over the limit, malformed
 * chunked bodies, headers over the limit, a body of another section than the path's, and an
 * empty key; and error messages that do not echo a huge input.
 */
class ApiRequestLimitsTest {

    static final String KEY = "s3cret";
    static final int MAX_BODY = 4096;

    private NullKernel kernel;
    private Daemon daemon;
    private Api api;

    @BeforeEach
    void start() throws Exception {
        kernel = new NullKernel();
        daemon = Daemon.start(kernel, ConfigEdits.empty());
        api = Api.start(daemon, "127.0.0.1", 0, KEY, new ApiLimits(2, 50, Duration.ofSeconds(30), 2048, MAX_BODY));
    }

    @AfterEach
    void stop() {
        api.close();
        daemon.close();
    }

    /** A valid configuration of {@code n} farms: over the limit when n is large, and applied without one. */
    static String farms(int n) {
        StringBuilder b = new StringBuilder("{\"farms\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("""
                    {"name": "f%d", "virtual-addr": "10.0.0.40", "virtual-ports": "%d", "mode": "dnat",
                     "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}""".formatted(i, 1000 + i));
        }
        return b.append("]}").toString();
    }

    private String post(String path, String headers, byte[] body) throws Exception {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: x\r\nKey: " + KEY + "\r\nConnection: close\r\n" + headers
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return RawHttp.exchange(api.port(), request);
    }

    private void assertNothingApplied() {
        assertEquals(1, kernel.commits.get(), "only the start-up table reached the kernel");
        assertEquals(0, daemon.farms().size());
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        byte[] body = farms(60).getBytes(StandardCharsets.UTF_8);
        assertTrue(body.length > MAX_BODY);
        String reply = post("/farms", "Content-Length: " + body.length + "\r\n", body);
        assertEquals(413, RawHttp.status(reply), reply);
        assertTrue(reply.contains("the request body is over the limit of 4096 bytes"), reply);
        assertNothingApplied();
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        byte[] json = farms(60).getBytes(StandardCharsets.UTF_8);
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < json.length; i += 1000) {
            int n = Math.min(1000, json.length - i);
            chunked.append(Integer.toHexString(n)).append("\r\n")
                    .append(new String(json, i, n, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        String reply = post("/farms", "Transfer-Encoding: chunked\r\n", chunked.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(413, RawHttp.status(reply), reply);
        assertNothingApplied();
    }

    @Test
    void aMalformedChunkedBodyIsAnsweredWith400() throws Exception {
        String reply = post("/farms", "Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, RawHttp.status(reply), reply);
        assertNothingApplied();
    }

    @Test
    void headersOverTheLimitAreAnsweredWith431() throws Exception {
        String reply = post("/farms", "X-Padding: " + "a".repeat(4000) + "\r\nContent-Length: 2\r\n", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(431, RawHttp.status(reply), reply);
        assertNothingApplied();
    }

    @Test
    void aBodyOfAnotherSectionThanThePathsIsAppliedAsNftlbAppliesIt() throws Exception {
        // nftlb reads a body's sections whatever section the path names (the differential test shows it).
        byte[] body = farms(1).getBytes(StandardCharsets.UTF_8);
        for (String path : new String[] {"/addresses", "/policies"}) {
            String reply = post(path, "Content-Length: " + body.length + "\r\n", body);
            assertEquals(200, RawHttp.status(reply), reply);
            assertTrue(reply.endsWith("{\"response\": \"success\"}"), reply);
        }
    }

    @Test
    void anErrorMessageDoesNotEchoAHugeInput() throws Exception {
        String name = "x".repeat(1500);
        byte[] body = ("{\"farms\": [{\"name\": \"" + name + "\", \"virtual-addr\": \"" + name + "\", \"virtual-ports\": \"80\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String reply = post("/farms", "Content-Length: " + body.length + "\r\n", body);
        assertEquals(400, RawHttp.status(reply), reply);
        assertTrue(reply.length() < 1000, "the reply quotes the input whole: " + reply.length() + " characters");
        assertNothingApplied();
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertEquals("the key must not be empty", assertThrows(IllegalArgumentException.class,
                () -> Api.start(daemon, "127.0.0.1", 0, "")).getMessage());
    }
}
