package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * nftlb's API paths and methods over a {@link Daemon}, with nftlb's answers: its codes, and its
 * messages ({@code "success"}, {@code "invalid request"}, {@code "error deleting farm. Unknown
 * farm 'NAME'"}, ...). Where the daemon refuses what nftlb takes, the message names the field
 * and value after nftlb's {@code "error parsing buffer"}.
 */
final class NftlbRoutes {

    private final Daemon daemon;

    NftlbRoutes(Daemon daemon) {
        this.daemon = daemon;
    }

    Api.Reply route(String method, List<String> path, byte[] body) {
        return switch (method) {
            case "GET" -> get(path);
            case "POST", "PUT" -> post(path, body);
            case "DELETE" -> body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                    ? delete(path) : deleteListed(path, body);
            case "PATCH" -> patch(path, body);
            default -> new Api.Reply(400, ""); // nftlb: an unknown method is a bad request, answered without a body
        };
    }

    private static String at(List<String> path, int i) {
        return i < path.size() ? path.get(i) : "";
    }

    private static boolean isSection(String s) {
        return ConfigEdits.SECTIONS.containsKey(s);
    }

    private Api.Reply get(List<String> path) {
        String first = at(path, 0);
        String name = at(path, 1);
        NftlbView view = daemon.view();
        ObjectNode out = ConfigMapper.JSON.createObjectNode();
        switch (first) {
            case "farms" -> {
                String list = at(path, 2);
                if (list.equals("sessions")) {
                    if (name.isEmpty()) {
                        return Api.Reply.message(400, "invalid request");
                    }
                    var farm = ConfigEdits.find(daemon.config(), "farms", "name", name);
                    if (farm.isEmpty()) {
                        return Api.Reply.message(404, "invalid request");
                    }
                    // As nftlb: the static sessions, then the dynamic ones the kernel has now.
                    ArrayNode sessions = NftlbView.sessions(farm.get());
                    sessions.addAll(daemon.dynamicSessions().list(name));
                    out.set("sessions", sessions);
                    return new Api.Reply(200, out.toString());
                }
                if (!list.isEmpty()) {
                    return Api.Reply.message(400, "invalid request");
                }
                ArrayNode farms = view.farms(name.isEmpty() ? null : name);
                if (!name.isEmpty() && farms.isEmpty()) {
                    // nftlb answers 500 here; an unknown name is the client's mistake.
                    return Api.Reply.message(404, "invalid request");
                }
                out.set("farms", farms);
            }
            case "policies" -> out.set("policies", view.policies(name.isEmpty() ? null : name));
            case "addresses" -> out.set("addresses", view.addresses(name.isEmpty() ? null : name));
            default -> {
                return Api.Reply.message(400, "invalid request");
            }
        }
        return new Api.Reply(200, out.toString());
    }

    /** A configuration body merged in; nftlb takes any section's body on any section's path. */
    private Api.Reply post(List<String> path, byte[] body) {
        if (path.size() != 1 || !isSection(path.get(0))) {
            return Api.Reply.message(404, "invalid request");
        }
        JsonNode parsed = parse(body);
        daemon.change(c -> ConfigEdits.merge(c, parsed));
        return Api.Reply.success();
    }

    /** PATCH /policies/NAME: the body's policies merged, NAME's elements replaced; PATCH /farms/NAME/policies: the farm's policies replaced. */
    private Api.Reply patch(List<String> path, byte[] body) {
        String first = at(path, 0);
        String name = at(path, 1);
        if (first.equals("farms")) {
            if (!at(path, 2).equals("policies") || path.size() != 3) {
                return Api.Reply.message(404, "invalid request");
            }
            if (ConfigEdits.find(daemon.config(), "farms", "name", name).isEmpty()) {
                return Api.Reply.message(404, "the object to modify is unknown. Unknown farm '" + name + "'");
            }
            JsonNode parsed = parse(body);
            daemon.change(c -> {
                ConfigEdits.editable(c, "farms", "name", name).ifPresent(f -> f.putArray("policies"));
                ConfigEdits.merge(c, parsed);
            });
            return Api.Reply.success();
        }
        if (!first.equals("policies")) {
            return Api.Reply.message(404, "invalid request");
        }
        if (ConfigEdits.find(daemon.config(), "policies", "name", name).isEmpty()) {
            return Api.Reply.message(404, "the object to modify is unknown. Unknown policy '" + name + "'");
        }
        JsonNode parsed = parse(body);
        daemon.change(c -> ConfigEdits.replaceElements(c, parsed, name));
        return Api.Reply.success();
    }

    private Api.Reply delete(List<String> path) {
        String first = at(path, 0);
        String name = at(path, 1);
        String third = at(path, 2);
        String fourth = at(path, 3);
        if (!isSection(first)) {
            return Api.Reply.message(404, "invalid request");
        }
        if (first.equals("farms") && third.equals("backends") && at(path, 4).equals("sessions")) {
            return farmChild(name, "error deleting sessions from backend", farm -> {
                if (NftlbView.meta(farm.path("persistence").asText("")).equals("none")) {
                    return Api.Reply.message(400, "error deleting sessions from backend. Farm '" + name
                            + "' without session persistence");
                }
                if (ConfigEdits.find(farm, "backends", "name", fourth).isEmpty()) {
                    return unknownIn("error deleting sessions from backend", "backend", fourth, name);
                }
                daemon.change(c -> ConfigEdits.editable(c, "farms", "name", name)
                        .ifPresent(f -> ConfigEdits.removeSessionsOf(f, fourth)));
                daemon.dynamicSessions().forgetBackend(name, fourth); // as nftlb: the kernel's entries too
                return Api.Reply.success();
            });
        }
        if (first.equals("farms") && !third.isEmpty()) {
            String what = switch (third) {
                case "backends" -> "backend";
                case "sessions" -> "session";
                case "addresses" -> "farm address";
                case "policies" -> "farm policy";
                default -> null;
            };
            if (what == null || path.size() != 4) {
                return Api.Reply.message(400, "invalid request");
            }
            String error = "error deleting " + what;
            return farmChild(name, error, farm -> {
                String key = ConfigEdits.FARM_LISTS.get(third);
                // A session names its client with "_" for " " in the path (nftlb's spelling of "IP PORT").
                String id = third.equals("sessions") ? fourth.replace('_', ' ') : fourth;
                if (ConfigEdits.find(farm, third, key, id).isEmpty()) {
                    if (third.equals("sessions")) {
                        // As nftlb: a client that is not a static session is forgotten from the
                        // kernel's dynamic ones, and an unknown one without a word.
                        daemon.dynamicSessions().forgetClient(name, id);
                        return Api.Reply.success();
                    }
                    return unknownIn(error, what, fourth, name);
                }
                daemon.change(c -> ConfigEdits.editable(c, "farms", "name", name).ifPresent(f -> {
                    ConfigEdits.remove(f, third, key, id);
                    if (third.equals("backends")) {
                        ConfigEdits.removeSessionsOf(f, id); // as nftlb: a removed backend's sessions go with it
                    }
                }));
                if (third.equals("addresses")) {
                    // As nftlb: an address taken from the last farm that used it is deleted with it.
                    daemon.change(c -> {
                        boolean used = false;
                        for (JsonNode f : c.path("farms")) {
                            used |= ConfigEdits.find(f, "addresses", "name", id).isPresent();
                        }
                        if (!used) {
                            ConfigEdits.remove(c, "addresses", "name", id);
                        }
                    });
                }
                return Api.Reply.success();
            });
        }
        if (first.equals("policies") && third.equals("elements")) {
            String element = path.size() > 4 ? fourth + "/" + path.get(4) : fourth;
            var policy = ConfigEdits.find(daemon.config(), "policies", "name", name);
            if (policy.isEmpty()) {
                return Api.Reply.message(404, "could not get the policy elements. Unknown policy '" + name + "'");
            }
            if (!element.isEmpty() && ConfigEdits.find(policy.get(), "elements", "data", element).isEmpty()) {
                return Api.Reply.message(404, "error deleting policy element. Unknown element '" + element
                        + "' in policy '" + name + "'");
            }
            daemon.change(c -> ConfigEdits.editable(c, "policies", "name", name).ifPresent(p -> {
                if (element.isEmpty()) {
                    p.putArray("elements"); // nftlb: no element named, all of them
                } else {
                    ConfigEdits.remove(p, "elements", "data", element);
                }
            }));
            return Api.Reply.success();
        }
        if (!third.isEmpty()) {
            return Api.Reply.message(400, "invalid request");
        }
        String what = switch (first) {
            case "farms" -> "error deleting farm";
            case "policies" -> "error stopping policy";
            default -> "error stopping address";
        };
        if (name.isEmpty()) {
            daemon.change(c -> c.putArray(first)); // nftlb: DELETE /farms (no name, no body) removes them all
            return Api.Reply.success();
        }
        if (ConfigEdits.find(daemon.config(), first, "name", name).isEmpty()) {
            return Api.Reply.message(404, what + ". Unknown " + singular(first) + " '" + name + "'");
        }
        daemon.change(c -> ConfigEdits.remove(c, first, "name", name));
        return Api.Reply.success();
    }

    /** DELETE with a body: the objects it lists are removed (an object with only its name: the object). */
    private Api.Reply deleteListed(List<String> path, byte[] body) {
        if (!isSection(at(path, 0))) {
            return Api.Reply.message(404, "invalid request");
        }
        JsonNode parsed = parse(body);
        daemon.change(c -> ConfigEdits.removeListed(c, parsed));
        return Api.Reply.success();
    }

    private Api.Reply farmChild(String farm, String error, java.util.function.Function<ObjectNode, Api.Reply> action) {
        var found = ConfigEdits.find(daemon.config(), "farms", "name", farm);
        if (found.isEmpty()) {
            return Api.Reply.message(404, error + ". Unknown farm '" + farm + "'");
        }
        return action.apply(found.get());
    }

    private static Api.Reply unknownIn(String error, String what, String name, String farm) {
        return Api.Reply.message(404, error + ". Unknown " + what + " '" + name + "' in farm '" + farm + "'");
    }

    /** A body that is not a JSON object: nftlb's "the structure is invalid". */
    static final class MalformedBody extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedBody(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return ConfigMapper.parse(body);
        } catch (ConfigException e) {
            throw new MalformedBody(e);
        }
    }

    static String singular(String section) {
        return switch (section) {
            case "farms" -> "farm";
            case "policies" -> "policy";
            default -> "address";
        };
    }
}
