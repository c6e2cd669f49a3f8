package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nftlb's HTTP API over a {@link Daemon}: {@code /farms}, {@code /farms/NAME},
 * {@code /farms/NAME/backends[/NAME]}, {@code /farms/NAME/sessions[/CLIENT]},
 * {@code /farms/NAME/addresses/NAME}, {@code /farms/NAME/policies/NAME}, {@code /addresses[/NAME]}
 * and {@code /policies[/NAME]}. GET reads the configuration; POST and PUT merge a configuration
 * body ({@code {"farms": [...]}}); DELETE removes one object. Every request must carry the key
 * in a {@code Key} header (401 otherwise). Answers are nftlb's: {@code {"response": "ok"}}, or
 * {@code {"response": "error", "errormsg": "..."}} with 400 (bad or unsupported), 404 (no such
 * object) or 500 (the kernel refused).
 */
public final class Api implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Api.class);

    private final HttpServer server;
    private final Daemon daemon;
    private final byte[] key;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "nftlb-api"));

    private Api(HttpServer server, Daemon daemon, String key) {
        this.server = server;
        this.daemon = daemon;
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** Serves the daemon on {@code host:port} (port 0 picks a free one; see {@link #port()}). */
    public static Api start(Daemon daemon, String host, int port, String key) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        Api api = new Api(server, daemon, key);
        server.createContext("/", api::handle);
        // One thread: requests are applied one after another anyway (the daemon is serial).
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            String given = exchange.getRequestHeaders().getFirst("Key");
            if (given == null || !MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
                reply = Reply.error(401, "Authentication failed");
            } else {
                reply = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()),
                        exchange.getRequestBody().readAllBytes());
            }
        } catch (UnsupportedFieldsException | IllegalArgumentException e) {
            // ConfigException, and the DSL's InvalidFarmException: the request, not the daemon, is wrong.
            reply = Reply.error(400, e.getMessage());
        } catch (CompletionException e) {
            log.warn("the kernel refused a change", e.getCause());
            reply = Reply.error(500, "the kernel refused the change: " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            log.warn("request failed", e);
            reply = Reply.error(500, e.toString());
        }
        byte[] body = reply.body().toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
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
                JsonNode parsed = ConfigMapper.parse(new String(body, StandardCharsets.UTF_8));
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
            daemon.change(c -> ConfigEdits.find(c, "farms", "name", path.get(1))
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

    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    }

    /** An HTTP status and a JSON body. */
    private record Reply(int status, JsonNode body) {
        static Reply ok() {
            return new Reply(200, ConfigMapper.JSON.createObjectNode().put("response", "ok"));
        }

        static Reply error(int status, String message) {
            return new Reply(status, ConfigMapper.JSON.createObjectNode().put("response", "error")
                    .put("errormsg", message));
        }
    }
}
