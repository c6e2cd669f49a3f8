package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.HttpSpec;
import io.nftlb.healthcheck.Target;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A minimal HTTP/1.1 client over a socket created in the probe network. java.net.http opens
 * its sockets on its own threads, out of our reach, so it cannot probe from another
 * namespace; one request with {@code Connection: close} needs very little.
 */
public final class HttpCheck implements HealthCheck {

    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_HEADER_LINE = 8 * 1024;

    private final HttpSpec spec;
    private final SSLContext tls;

    public HttpCheck(HttpSpec spec) {
        this.spec = java.util.Objects.requireNonNull(spec, "spec == null");
        try {
            if (!spec.tls()) {
                tls = null;
            } else if (spec.verifyTls()) {
                tls = SSLContext.getDefault();
            } else {
                tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {TrustAll.INSTANCE}, new SecureRandom());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS available: " + e, e);
        }
    }

    @Override
    public HealthResult probe(Target target) throws Exception {
        InetAddress a = target.address().getAddress();
        String literal = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        String host = spec.host().orElse(literal) + (spec.host().isEmpty() && !isDefaultPort(target) ?
                ":" + target.address().getPort() : "");
        try (SocketChannel ch = target.network().tcpChannel()) {
            Socket s = ch.socket();
            s.connect(target.address(), target.timeoutMillis());
            s.setSoTimeout(target.timeoutMillis());
            if (tls != null) {
                s = handshake(s, target);
            }
            try (Socket conn = s) {
                OutputStream out = conn.getOutputStream();
                out.write((spec.method() + " " + spec.path() + " HTTP/1.1\r\nHost: " + host
                        + "\r\nUser-Agent: nftlb-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return read(new BufferedInputStream(conn.getInputStream()));
            }
        } catch (IOException e) {
            return HealthResult.down(Failures.reason(e));
        }
    }

    private boolean isDefaultPort(Target target) {
        return target.address().getPort() == (spec.tls() ? 443 : 80);
    }

    private Socket handshake(Socket plain, Target target) throws IOException {
        String peer = spec.host().orElse(target.address().getAddress().getHostAddress());
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, peer, target.address().getPort(), true);
        SSLParameters p = ssl.getSSLParameters();
        if (spec.host().isPresent()) {
            p.setServerNames(List.of(new SNIHostName(spec.host().get())));
        }
        if (spec.verifyTls()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    private HealthResult read(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return HealthResult.down("not an HTTP response: " + abbreviate(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return HealthResult.down("bad status line: " + abbreviate(status));
        }
        if (code < spec.minStatus() || code > spec.maxStatus()) {
            return HealthResult.down("status " + code);
        }
        if (spec.body().isEmpty()) {
            return HealthResult.up("status " + code);
        }
        long length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                try {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                } catch (NumberFormatException ignored) {
                    length = -1;
                }
            }
        }
        int want = (int) (length < 0 ? MAX_BODY : Math.min(MAX_BODY, length));
        String body = new String(in.readNBytes(want), StandardCharsets.ISO_8859_1);
        return spec.body().get().matcher(body).find()
                ? HealthResult.up("status " + code + ", body matched")
                : HealthResult.down("status " + code + ", body did not match /" + spec.body().get() + "/");
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (b.size() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /** Accepts every certificate: only for {@code HttpSpec.tls(false)}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        static final TrustAll INSTANCE = new TrustAll();

        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
