package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The key is compared with the bytes of the {@code Key} header as UTF-8, whatever the server decodes. */
class ApiKeyTest {

    static final String KEY = "clé-ключ";

    @Test
    void aNonAsciiKeyMatchesWhenSentAsUtf8AndOnlyThen() throws Exception {
        try (Daemon daemon = Daemon.start(new NullKernel(), ConfigEdits.empty());
             Api api = Api.start(daemon, "127.0.0.1", 0, KEY)) {
            assertEquals(200, get(api, KEY, StandardCharsets.UTF_8));
            assertEquals(401, get(api, "clé", StandardCharsets.ISO_8859_1));
            assertEquals(401, get(api, KEY.substring(0, 3), StandardCharsets.UTF_8));
            assertEquals(401, get(api, "", StandardCharsets.UTF_8));
        }
    }

    private static int get(Api api, String key, Charset encoding) throws Exception {
        byte[] head = "GET /farms HTTP/1.1\r\nHost: x\r\nConnection: close\r\nKey: ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] value = key.getBytes(encoding);
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + value.length + end.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(value, 0, request, head.length, value.length);
        System.arraycopy(end, 0, request, head.length + value.length, end.length);
        return RawHttp.status(RawHttp.exchange(api.port(), request));
    }
}
