package io.nftlb.healthcheck;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an HTTP(S) check sends and expects. Immutable.
 *
 * <pre>{@code
 * HttpSpec.get("/health").host("www.example.com").expectStatus(200, 299).expectBody("ok")
 * HttpSpec.get("/").tls(false)   // HTTPS without certificate verification
 * }</pre>
 *
 * @param method request method
 * @param path request target, starting with '/'
 * @param host the Host header (and TLS server name); empty sends the probed address
 * @param minStatus lowest status that counts as up
 * @param maxStatus highest status that counts as up
 * @param body a regular expression that must be found in the first 64 KiB of the response body
 * @param tls whether to speak HTTPS
 * @param verifyTls with HTTPS, whether to verify the certificate chain and host name
 */
public record HttpSpec(String method, String path, Optional<String> host, int minStatus, int maxStatus,
                       Optional<Pattern> body, boolean tls, boolean verifyTls) {

    public HttpSpec {
        Objects.requireNonNull(method, "method == null");
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(host, "host == null");
        Objects.requireNonNull(body, "body == null");
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("method must be upper-case letters: " + method);
        }
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("path must start with / and have no spaces: " + path);
        }
        host.ifPresent(h -> {
            if (h.isEmpty() || h.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("host must be non-empty, without spaces: " + h);
            }
        });
        if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
            throw new IllegalArgumentException("status range must be within 100..599: " + minStatus + ".." + maxStatus);
        }
    }

    /** {@code GET path} over plain HTTP, up on 2xx and 3xx. */
    public static HttpSpec get(String path) {
        return new HttpSpec("GET", path, Optional.empty(), 200, 399, Optional.empty(), false, true);
    }

    /** The same request with method {@code value} (upper-case letters, e.g. HEAD). */
    public HttpSpec method(String value) {
        return new HttpSpec(value, path, host, minStatus, maxStatus, body, tls, verifyTls);
    }

    /** The same request with Host header (and TLS server name) {@code value}. */
    public HttpSpec host(String value) {
        return new HttpSpec(method, path, Optional.of(value), minStatus, maxStatus, body, tls, verifyTls);
    }

    /** The same request, up when the status is within {@code min..max}. */
    public HttpSpec expectStatus(int min, int max) {
        return new HttpSpec(method, path, host, min, max, body, tls, verifyTls);
    }

    /** The same request, up only when {@code regex} is found in the body. */
    public HttpSpec expectBody(String regex) {
        return new HttpSpec(method, path, host, minStatus, maxStatus, Optional.of(Pattern.compile(regex)), tls,
                verifyTls);
    }

    /** Speak HTTPS; {@code verify} false accepts any certificate (self-signed backends). */
    public HttpSpec tls(boolean verify) {
        return new HttpSpec(method, path, host, minStatus, maxStatus, body, true, verify);
    }

    @Override
    public String toString() {
        return (tls ? "https " : "http ") + method + " " + path + host.map(h -> " host " + h).orElse("")
                + " expect " + minStatus + ".." + maxStatus + body.map(b -> " body /" + b + "/").orElse("")
                + (tls && !verifyTls ? " (no verify)" : "");
    }
}
