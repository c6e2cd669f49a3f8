package io.nftlb.daemon;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nftlb's HTTP API over a {@link Daemon}, with nftlb's paths, methods and answers
 * ({@link NftlbRoutes}): GET reads the configuration as nftlb shows it, POST and PUT merge a
 * configuration body, PATCH replaces a policy's elements or a farm's policies, DELETE removes
 * one object (by its path) or the objects a body lists. Every request must carry the key in a
 * {@code Key} header (401 without a body otherwise). Answers are {@code {"response": "success"}},
 * or {@code {"response": "MESSAGE"}} with 400 (bad or unsupported), 404 (no such object or
 * path), 413 (body over the limit), 431 (headers over the limit) or 500 (the kernel refused); a
 * message quotes at most 500 characters. The server's {@link ApiLimits} bound what one client
 * can hold.
 */
public final class Api implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Api.class);
    /** An error message longer than this is cut: it may quote a value of the request. */
    static final int MAX_MESSAGE = 500;
    /** A body over the limit, up to this many times the limit, is read and dropped before the 413. */
    private static final int DRAINED_BODIES = 4;

    private final Server server;
    private final Daemon daemon;
    private final byte[] key;
    private final ApiLimits limits;
    private final Optional<Observability> observability;
    private final NftlbRoutes routes;

    private Api(String host, int port, Daemon daemon, byte[] key, ApiLimits limits, Optional<Observability> observability) {
        this.daemon = daemon;
        this.observability = observability;
        this.key = key.clone();
        this.limits = limits;
        this.routes = new NftlbRoutes(daemon);
        this.server = ApiServer.create(host, port, limits, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Api.this.handle(request, response, callback);
                return true;
            }
        });
    }

    /** Serves the daemon on {@code host:port} (port 0 picks a free one; see {@link #port()}) with the default limits. */
    public static Api start(Daemon daemon, String host, int port, String key) throws IOException {
        return start(daemon, host, port, key, ApiLimits.DEFAULTS);
    }

    /**
     * Serves the daemon on {@code host:port} (port 0 picks a free one; see {@link #port()}).
     *
     * @param key what clients give in the {@code Key} header, compared with the header's bytes as UTF-8
     * @throws IllegalArgumentException if the key is empty
     */
    public static Api start(Daemon daemon, String host, int port, String key, ApiLimits limits) throws IOException {
        return start(daemon, host, port, key, limits, Optional.empty());
    }

    /** {@link #start(Daemon, String, int, String, ApiLimits)}, also serving {@code /metrics} and {@code /status}. */
    static Api start(Daemon daemon, String host, int port, String key, ApiLimits limits,
                     Optional<Observability> observability) throws IOException {
        Api api = new Api(host, port, daemon, Keys.bytes(key), limits, observability);
        try {
            api.server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot serve on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return api;
    }

    /** The port it listens on. */
    public int port() {
        return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping the API server failed", e);
        }
    }

    private void handle(Request request, Response response, Callback callback) {
        if (observability.isPresent() && observability.get().handle(request, response, callback,
                segmentsOrEmpty(request.getHttpURI().getPath()), Keys.matches(key, request.getHeaders().get("Key")))) {
            return;
        }
        if (!Keys.matches(key, request.getHeaders().get("Key"))) {
            // As nftlb: 401 without a body. The body of an unauthenticated request is never read.
            send(response, callback, new Reply(401, ""));
            return;
        }
        String method = request.getMethod();
        List<String> path;
        try {
            path = segments(request.getHttpURI().getPath());
        } catch (IllegalArgumentException e) {
            send(response, callback, Reply.error(400, "bad path: " + e.getMessage()));
            return;
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            send(response, callback, answer(method, path, new byte[0]));
            return;
        }
        long length = request.getLength();
        if (length > limits.bodyBytes()) {
            if (length <= DRAINED_BODIES * (long) limits.bodyBytes()) {
                // Read the body and drop it before answering: a connection closed with bytes
                // unread is reset by the kernel, and the client loses the answer with it.
                Content.Source.consumeAll(request, Callback.from(() -> send(response, callback, tooLarge()),
                        callback::failed));
            } else {
                send(response, callback, tooLarge()); // not worth reading: the client may see a reset
            }
            return;
        }
        // Read without holding a thread (a client that stalls mid-body costs a connection, not
        // a thread); the change is then made on a pool thread, never the server's selector.
        // Every method but GET may carry a body: nftlb's DELETE and PATCH take one.
        Executor pool = request.getComponents().getExecutor();
        Content.Source.asByteArrayAsync(request, limits.bodyBytes()).whenCompleteAsync((body, failure) -> {
            if (failure == null) {
                send(response, callback, answer(method, path, body));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof IllegalStateException) {
                send(response, callback, tooLarge()); // how Jetty says the body outgrew the limit while read
            } else if (cause instanceof org.eclipse.jetty.http.HttpException bad) {
                send(response, callback, Reply.error(bad.getCode(), "bad request body: " + cause.getMessage()));
            } else {
                callback.failed(cause); // the connection failed or timed out: nobody to answer
            }
        }, pool);
    }

    private Reply tooLarge() {
        return Reply.error(413, "the request body is over the limit of " + limits.bodyBytes() + " bytes");
    }

    /** Runs a request; the errors of a request (not of the daemon) are 4xx answers, in nftlb's words. */
    private Reply answer(String method, List<String> path, byte[] body) {
        try {
            Reply reply = route(method, path, body);
            if (reply.status() == 200 && !method.equals("GET") && !method.equals("HEAD")) {
                log.info("{} /{}: applied", method, String.join("/", path));
            }
            return reply;
        } catch (NftlbRoutes.MalformedBody e) {
            return Reply.message(400, "the structure is invalid");
        } catch (UnsupportedFieldsException | IllegalArgumentException e) {
            // ConfigException, and the DSL's InvalidFarmException: the request, not the daemon, is wrong.
            return Reply.error(400, "error parsing buffer. " + e.getMessage());
        } catch (CompletionException e) {
            log.warn("the kernel refused a change", e.getCause());
            return Reply.error(500, "error generating rules. the kernel refused the change: " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            log.warn("request failed", e);
            return Reply.error(500, "error generating rules. " + e);
        }
    }

    private static void send(Response response, Callback callback, Reply reply) {
        byte[] body = reply.bytes();
        response.setStatus(reply.status());
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The request's answer by its path; nftlb's API paths are {@link NftlbRoutes}'. */
    private Reply route(String method, List<String> path, byte[] body) {
        return routes.route(method.equals("HEAD") ? "GET" : method, path, body);
    }

    private static List<String> segmentsOrEmpty(String rawPath) {
        try {
            return segments(rawPath);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    }

    /** An HTTP status and a body: nftlb's {@code {"response": "..."}}, a GET's JSON, or nothing. */
    record Reply(int status, String body) {

        /** nftlb's answer to a change it made. */
        static Reply success() {
            return message(200, "success");
        }

        /** {@code {"response": "TEXT"}}, spaced as nftlb writes it. */
        static Reply message(int status, String text) {
            return new Reply(status, "{\"response\": " + ConfigMapper.JSON.getNodeFactory().textNode(text) + "}");
        }

        /** An error; a message over {@link #MAX_MESSAGE} characters is cut (it may quote the request). */
        static Reply error(int status, String message) {
            String text = message.length() <= MAX_MESSAGE ? message
                    : message.substring(0, MAX_MESSAGE) + "... (" + (message.length() - MAX_MESSAGE) + " more characters)";
            return message(status, text);
        }

        byte[] bytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }
}
