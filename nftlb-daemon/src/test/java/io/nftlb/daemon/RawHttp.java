package io.nftlb.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Bytes on a socket, for requests an HTTP client will not send (half-open, malformed, raw header bytes). */
final class RawHttp {

    private RawHttp() {}

    /** Connects and sends {@code bytes}, leaving the socket open. */
    static Socket open(int port, byte[] bytes) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return s;
    }

    static Socket open(int port, String ascii) throws IOException {
        return open(port, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends a whole request and reads the reply until the server closes the connection. */
    static String exchange(int port, byte[] request) throws IOException {
        try (Socket s = open(port, request)) {
            s.setSoTimeout(30_000);
            s.shutdownOutput();
            return readAll(s.getInputStream());
        }
    }

    static String exchange(int port, String ascii) throws IOException {
        return exchange(port, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The status code of a raw reply ("HTTP/1.1 400 ..."), or -1 if there was none. */
    static int status(String reply) {
        return reply.startsWith("HTTP/1.1 ") && reply.length() >= 12 ? Integer.parseInt(reply.substring(9, 12)) : -1;
    }
}
