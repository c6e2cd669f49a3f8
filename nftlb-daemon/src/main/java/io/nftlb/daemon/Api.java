package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * nftlb's HTTP API over a {@link Daemon}: {@code /farms}, {@code /farms/NAME},
 * {@code /farms/NAME/backends[/NAME]}, {@code /farms/NAME/sessions[/CLIENT]},
 * {@code /farms/NAME/addresses/NAME}, {@code /farms/NAME/policies/NAME}, {@code /addresses[/NAME]}
 * and {@code /policies[/NAME]}. GET reads the configuration; POST and PUT merge a configuration
 * body of the path's section ({@code {"farms": [...]}} to {@code /farms}); DELETE removes one
 * object. Every request must carry the key in a {@code Key} header (401 otherwise). Answers are
 * nftlb's: {@code {"response": "ok"}}, or {@code {"response": "error", "errormsg": "..."}} with
 * 400 (bad or unsupported), 404 (no such object), 413 (body over the limit), 431 (headers over
 * the limit) or 500 (the kernel refused); an error message quotes at most 500 characters. The server's {@link ApiLimits} bound what one client can hold.
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

    private Api(String host, int port, Daemon daemon, byte[] key, ApiLimits limits, Optional<Observability> observability) {
        this.daemon = daemon;
        this.observability = observability;
        this.key = key.clone();
        this.limits = limits;
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
            // The body of an unauthenticated request is never read.
            send(response, callback, Reply.error(401, "Authentication failed"));
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
        if (!method.equals("POST") && !method.equals("PUT")) {
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

    /** Runs a request; the errors of a request (not of the daemon) are 4xx answers. */
    private Reply answer(String method, List<String> path, byte[] body) {
        try {
            Reply reply = route(method, path, body);
            if (reply.status() == 200 && !method.equals("GET")) {
                log.info("{} /{}: applied", method, String.join("/", path));
            }
            return reply;
        } catch (UnsupportedFieldsException | IllegalArgumentException e) {
            // ConfigException, and the DSL's InvalidFarmException: the request, not the daemon, is wrong.
            return Reply.error(400, e.getMessage());
        } catch (CompletionException e) {
            log.warn("the kernel refused a change", e.getCause());
            return Reply.error(500, "the kernel refused the change: " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            log.warn("request failed", e);
            return Reply.error(500, e.toString());
        }
    }

    private static void send(Response response, Callback callback, Reply reply) {
        byte[] body = reply.bytes();
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private Reply route(String method, List<String> path, byte[] body) {
        if (path.isEmpty() || !ConfigEdits.SECTIONS.containsKey(path.get(0)) || path.size() > 4) {
            return Reply.error(404, "no such resource: /" + String.join("/", path));
        }
        return switch (method) {
            case "GET" -> get(path);
            case "POST", "PUT" -> {
                if (path.size() != 1) {
                    yield Reply.error(400, "post a configuration to /" + path.get(0));
                }
                JsonNode parsed = ConfigMapper.parse(body);
                for (var field : parsed.properties()) {
                    if (!field.getKey().equals(path.get(0))) {
                        // The path says what the request changes: a body of another section is a mistake.
                        yield Reply.error(400, "a body posted to /" + path.get(0) + " holds only \"" + path.get(0)
                                + "\", not \"" + ConfigMapper.abbreviate(field.getKey()) + "\"");
                    }
                }
                daemon.change(c -> ConfigEdits.merge(c, parsed));
                yield Reply.ok();
            }
            case "DELETE" -> delete(path);
            default -> Reply.error(405, "method " + method + " is not allowed");
        };
    }

    private Reply get(List<String> path) {
        ObjectNode config = daemon.config();
        String section = path.get(0);
        if (path.size() == 1) {
            return listOf(section, config.get(section));
        }
        var object = ConfigEdits.find(config, section, "name", path.get(1));
        if (object.isEmpty()) {
            return Reply.error(404, singular(section) + " \"" + path.get(1) + "\" does not exist");
        }
        if (path.size() == 2) {
            return listOf(section, ConfigMapper.JSON.createArrayNode().add(object.get()));
        }
        if (path.size() == 3 && section.equals("farms") && ConfigEdits.FARM_LISTS.containsKey(path.get(2))) {
            // Sessions are the static ones: dynamic sessions live in the kernel's persistence sets.
            return listOf(path.get(2), object.get().path(path.get(2)));
        }
        return Reply.error(404, "no such resource: /" + String.join("/", path));
    }

    /** {@code {"name": [...]}}; a missing list is empty. */
    private static Reply listOf(String name, JsonNode list) {
        ObjectNode out = ConfigMapper.JSON.createObjectNode();
        out.set(name, list != null && list.isArray() ? list : ConfigMapper.JSON.createArrayNode());
        return new Reply(200, out);
    }

    private Reply delete(List<String> path) {
        String section = path.get(0);
        if (path.size() == 1 || path.size() == 3) {
            return Reply.error(400, "name the object to delete: /" + String.join("/", path) + "/NAME");
        }
        boolean[] found = {false};
        String what;
        if (path.size() == 2) {
            what = singular(section) + " \"" + path.get(1) + "\"";
            daemon.change(c -> found[0] = ConfigEdits.remove(c, section, "name", path.get(1)));
        } else {
            String list = path.get(2);
            what = "farm \"" + path.get(1) + "\": " + singular(list) + " \"" + path.get(3) + "\"";
            if (!section.equals("farms") || !ConfigEdits.FARM_LISTS.containsKey(list)) {
                return Reply.error(404, "no such resource: /" + String.join("/", path));
            }
            daemon.change(c -> ConfigEdits.editable(c, "farms", "name", path.get(1))
                    .ifPresent(farm -> {
                        found[0] = ConfigEdits.remove(farm, list, ConfigEdits.FARM_LISTS.get(list), path.get(3));
                        if (list.equals("backends")) {
                            // A static session of a removed backend goes with it, as in nftlb.
                            removeSessionsOf(farm, path.get(3));
                        }
                    }));
        }
        return found[0] ? Reply.ok() : Reply.error(404, what + " does not exist");
    }

    private static void removeSessionsOf(ObjectNode farm, String backend) {
        JsonNode sessions = farm.get("sessions");
        if (sessions instanceof ArrayNode list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (backend.equals(list.get(i).path("backend").asText())) {
                    list.remove(i);
                }
            }
        }
    }

    private static String singular(String section) {
        return section.endsWith("es") && section.startsWith("address") ? "address"
                : section.endsWith("ies") ? section.substring(0, section.length() - 3) + "y"
                : section.substring(0, section.length() - 1);
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

    /** An HTTP status and a JSON body. */
    record Reply(int status, JsonNode body) {
        static Reply ok() {
            return new Reply(200, ConfigMapper.JSON.createObjectNode().put("response", "ok"));
        }

        /** An error; a message over {@link #MAX_MESSAGE} characters is cut (it may quote the request). */
        static Reply error(int status, String message) {
            String text = message.length() <= MAX_MESSAGE ? message
                    : message.substring(0, MAX_MESSAGE) + "... (" + (message.length() - MAX_MESSAGE) + " more characters)";
            return new Reply(status, ConfigMapper.JSON.createObjectNode().put("response", "error")
                    .put("errormsg", text));
        }

        byte[] bytes() {
            return body.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
