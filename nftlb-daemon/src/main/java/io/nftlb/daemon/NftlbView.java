package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configuration as nftlb's GET shows it: every field of a farm, backend, address and policy
 * with its default when it was not posted, in nftlb's order and spelling (flags as nftlb prints
 * them, e.g. {@code "srcip "} and {@code "log drop accept"}, rates as {@code "10/second"}, marks
 * in hex), a farm's virtual address as the address {@code NAME-addr} nftlb makes of it, how many
 * farms use each address and policy ({@code "used"}), and each backend's mark (the one posted,
 * else the one the daemon gave it as nftlb does: the lowest free, from 0x1).
 */
final class NftlbView {

    private static final String[] META = {"srcip", "dstip", "srcport", "dstport", "srcmac", "dstmac"};
    private static final String[] LOG_HOOKS = {"input", "forward", "output"};
    private static final String[] VERDICTS = {"log", "drop", "accept"};

    private final JsonNode config;
    private final Map<String, Integer> marks;

    /** @param marks each backend's generated mark, by {@link BackendMarks#key} */
    NftlbView(JsonNode config, Map<String, Integer> marks) {
        this.config = config;
        this.marks = marks;
    }

    /** The farms, or the one named {@code name} (none if there is no such farm). */
    ArrayNode farms(String name) {
        ArrayNode out = ConfigMapper.JSON.createArrayNode();
        for (JsonNode farm : list(config, "farms")) {
            if (name == null || name.equals(farm.path("name").asText())) {
                out.add(farm(farm));
            }
        }
        return out;
    }

    /** The addresses named in the configuration, then those nftlb makes of farms' virtual addresses. */
    ArrayNode addresses(String name) {
        ArrayNode out = ConfigMapper.JSON.createArrayNode();
        List<ObjectNode> all = new ArrayList<>();
        list(config, "addresses").forEach(a -> all.add((ObjectNode) a));
        for (JsonNode farm : list(config, "farms")) {
            farmAddress(farm).ifPresent(all::add);
        }
        for (ObjectNode a : all) {
            if (name != null && !name.equals(a.path("name").asText())) {
                continue;
            }
            ObjectNode o = addressFields(a);
            o.put("verdict", verdict(text(a, "verdict", "")));
            if (a.has("log-prefix") && !text(a, "log-prefix", "").equals("TYPE-ANAME ")) {
                o.put("log-prefix", text(a, "log-prefix", ""));
            }
            o.put("log-rtlimit", rate(text(a, "log-rtlimit", ""), null));
            o.put("used", String.valueOf(used("addresses", a.path("name").asText())));
            ArrayNode policies = o.putArray("policies");
            list(a, "policies").forEach(p -> policies.addObject().put("name", p.path("name").asText()));
            out.add(o);
        }
        return out;
    }

    ArrayNode policies(String name) {
        ArrayNode out = ConfigMapper.JSON.createArrayNode();
        for (JsonNode p : list(config, "policies")) {
            String policy = p.path("name").asText();
            if (name != null && !name.equals(policy)) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("name", policy);
            o.put("family", text(p, "family", "ipv4"));
            o.put("type", text(p, "type", "blacklist"));
            o.put("route", text(p, "route", "in"));
            o.put("timeout", text(p, "timeout", "0"));
            if (p.has("log-prefix") && !text(p, "log-prefix", "").equals("KNAME-TYPE-PNAME-FNAME ")) {
                o.put("log-prefix", text(p, "log-prefix", ""));
            }
            o.put("used", String.valueOf(used("policies", policy)));
            ArrayNode elements = o.putArray("elements");
            for (JsonNode e : list(p, "elements")) {
                ObjectNode element = elements.addObject().put("data", e.path("data").asText());
                if (e.hasNonNull("time")) {
                    element.put("time", e.path("time").asText());
                }
            }
        }
        return out;
    }

    /** A farm's static sessions. */
    static ArrayNode sessions(JsonNode farm) {
        ArrayNode out = ConfigMapper.JSON.createArrayNode();
        for (JsonNode s : list(farm, "sessions")) {
            ObjectNode o = out.addObject().put("client", s.path("client").asText())
                    .put("backend", s.path("backend").asText());
            if (s.hasNonNull("expiration")) {
                o.put("expiration", s.path("expiration").asText());
            }
        }
        return out;
    }

    private ObjectNode farm(JsonNode f) {
        String name = f.path("name").asText();
        ObjectNode o = ConfigMapper.JSON.createObjectNode();
        o.put("name", name);
        List<ObjectNode> addresses = farmAddresses(f);
        ObjectNode first = addresses.isEmpty() ? null : addresses.get(0);
        if (first != null) {
            o.put("family", text(first, "family", "ipv4"));
            o.put("virtual-addr", text(first, "ip-addr", ""));
            o.put("virtual-ports", text(first, "ports", ""));
        }
        o.put("source-addr", text(f, "source-addr", ""));
        String mode = text(f, "mode", "snat");
        o.put("mode", mode);
        if (mode.equals("stlsdnat")) {
            o.put("responsettl", text(f, "responsettl", "60"));
        }
        if (first != null) {
            o.put("protocol", text(first, "protocol", "tcp"));
        }
        o.put("scheduler", text(f, "scheduler", "rr"));
        o.put("sched-param", meta(text(f, "sched-param", "")));
        o.put("persistence", meta(text(f, "persistence", "")));
        o.put("persist-ttl", text(f, "persist-ttl", "60"));
        o.put("helper", text(f, "helper", "none"));
        o.put("log", log(text(f, "log", "")));
        if (f.has("log-prefix") && !text(f, "log-prefix", "").equals("TYPE-FNAME ")) {
            o.put("log-prefix", text(f, "log-prefix", ""));
        }
        o.put("log-rtlimit", rate(text(f, "log-rtlimit", ""), null));
        o.put("mark", hex(text(f, "mark", "0")));
        o.put("priority", text(f, "priority", "1"));
        o.put("state", text(f, "state", "up"));
        o.put("limits-ttl", text(f, "limits-ttl", "120"));
        o.put("new-rtlimit", rate(text(f, "new-rtlimit", ""), null));
        o.put("new-rtlimit-burst", text(f, "new-rtlimit-burst", "0"));
        logPrefix(o, f, "new-rtlimit-log-prefix");
        // nftlb prints the reset limit with the new-connection limit's unit.
        o.put("rst-rtlimit", rate(text(f, "rst-rtlimit", ""), text(f, "new-rtlimit", "")));
        o.put("rst-rtlimit-burst", text(f, "rst-rtlimit-burst", "0"));
        logPrefix(o, f, "rst-rtlimit-log-prefix");
        o.put("est-connlimit", text(f, "est-connlimit", "0"));
        logPrefix(o, f, "est-connlimit-log-prefix");
        o.put("tcp-strict", text(f, "tcp-strict", "off").equals("on") ? "on" : "off");
        logPrefix(o, f, "tcp-strict-log-prefix");
        o.put("queue", text(f, "queue", "-1"));
        o.put("verdict", verdict(text(f, "verdict", "")));
        if (text(f, "flow-offload", "off").equals("on")) {
            o.put("flow-offload", "on");
        }
        if (text(f, "intra-connect", "off").equals("on")) {
            o.put("intra-connect", "on");
        }
        ArrayNode farmAddresses = o.putArray("addresses");
        for (ObjectNode a : addresses) {
            farmAddresses.add(addressFields(a).put("used", String.valueOf(used("addresses", a.path("name").asText()))));
        }
        ArrayNode backends = o.putArray("backends");
        int priority = number(text(f, "priority", "1"));
        list(f, "backends").forEach(b -> backends.add(backend(name, b, priority)));
        ArrayNode policies = o.putArray("policies");
        list(f, "policies").forEach(p -> policies.addObject().put("name", p.path("name").asText()));
        ArrayNode sessions = sessions(f);
        if (!sessions.isEmpty()) {
            o.set("sessions", sessions);
        }
        return o;
    }

    /** A backend; one up whose priority is over its farm's is nftlb's "available" (a standby). */
    private ObjectNode backend(String farm, JsonNode b, int farmPriority) {
        ObjectNode o = ConfigMapper.JSON.createObjectNode();
        String name = b.path("name").asText();
        o.put("name", name);
        o.put("ip-addr", text(b, "ip-addr", ""));
        o.put("port", text(b, "port", ""));
        if (b.hasNonNull("source-addr")) {
            o.put("source-addr", text(b, "source-addr", ""));
        }
        o.put("weight", text(b, "weight", "1"));
        o.put("priority", text(b, "priority", "1"));
        Integer generated = marks.get(BackendMarks.key(farm, name));
        o.put("mark", b.hasNonNull("mark") ? hex(text(b, "mark", "0"))
                : "0x" + Integer.toHexString(generated == null ? 0 : generated));
        o.put("est-connlimit", text(b, "est-connlimit", "0"));
        if (b.has("est-connlimit-log-prefix")
                && !text(b, "est-connlimit-log-prefix", "").equals("KNAME-FNAME-BNAME ")) {
            o.put("est-connlimit-log-prefix", text(b, "est-connlimit-log-prefix", ""));
        }
        String state = text(b, "state", "up");
        o.put("state", state.equals("up") && number(text(b, "priority", "1")) > farmPriority ? "available" : state);
        return o;
    }

    /** The farm's addresses: the one of its virtual-addr first, then those it names. */
    private List<ObjectNode> farmAddresses(JsonNode farm) {
        List<ObjectNode> out = new ArrayList<>();
        farmAddress(farm).ifPresent(out::add);
        for (JsonNode named : list(farm, "addresses")) {
            ConfigEdits.find(config, "addresses", "name", named.path("name").asText()).ifPresent(out::add);
        }
        return out;
    }

    /** The address nftlb makes of a farm's virtual-addr: {@code NAME-addr}. */
    private static java.util.Optional<ObjectNode> farmAddress(JsonNode farm) {
        String vip = text(farm, "virtual-addr", "");
        if (vip.isEmpty()) {
            return java.util.Optional.empty();
        }
        ObjectNode a = ConfigMapper.JSON.createObjectNode();
        a.put("name", farm.path("name").asText() + "-addr");
        a.put("family", text(farm, "family", vip.contains(":") ? "ipv6" : "ipv4"));
        a.put("ip-addr", vip);
        a.put("ports", text(farm, "virtual-ports", ""));
        a.put("protocol", text(farm, "protocol", "tcp"));
        return java.util.Optional.of(a);
    }

    private static ObjectNode addressFields(JsonNode a) {
        ObjectNode o = ConfigMapper.JSON.createObjectNode();
        o.put("name", a.path("name").asText());
        o.put("family", text(a, "family", "ipv4"));
        o.put("ip-addr", text(a, "ip-addr", ""));
        o.put("ports", text(a, "ports", ""));
        o.put("protocol", text(a, "protocol", "tcp"));
        return o;
    }

    /** How many farms name the address or policy (a farm's own address: that farm). */
    private int used(String list, String name) {
        int n = 0;
        for (JsonNode farm : list(config, "farms")) {
            if (list.equals("addresses") && name.equals(farm.path("name").asText() + "-addr")
                    && !text(farm, "virtual-addr", "").isEmpty()) {
                n++;
            }
            for (JsonNode o : list(farm, list)) {
                if (name.equals(o.path("name").asText())) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void logPrefix(ObjectNode o, JsonNode f, String field) {
        if (f.has(field) && !text(f, field, "").equals("KNAME-FNAME ")) {
            o.put(field, text(f, field, ""));
        }
    }

    /** nftlb's flags of sched-param and persistence: known words in its order, each followed by a space. */
    static String meta(String value) {
        String words = value.contains("none") ? "" : flags(value, META, true);
        return words.isEmpty() ? "none" : words;
    }

    static String log(String value) {
        String words = value.contains("none") ? "" : flags(value, LOG_HOOKS, false);
        return words.isEmpty() ? "none" : words;
    }

    static String verdict(String value) {
        return value.isEmpty() ? "log drop accept" : flags(value, VERDICTS, false);
    }

    /**
     * The words of {@code vocabulary} that {@code value} contains, in the vocabulary's order, as
     * nftlb prints them: each followed by a space, but for the vocabulary's last word unless
     * {@code spaceAfterLast}.
     */
    private static String flags(String value, String[] vocabulary, boolean spaceAfterLast) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < vocabulary.length; i++) {
            if (value.contains(vocabulary[i])) {
                out.append(vocabulary[i]);
                if (spaceAfterLast || i < vocabulary.length - 1) {
                    out.append(' ');
                }
            }
        }
        return out.toString();
    }

    /** {@code N/unit}; {@code unitOf} (when given) is the rate whose unit is printed instead. */
    static String rate(String value, String unitOf) {
        String number = value.isEmpty() ? "0" : value.split("/", 2)[0].strip();
        String source = unitOf == null ? value : unitOf;
        String unit = source.contains("/") ? source.substring(source.indexOf('/') + 1).strip() : "second";
        return number + "/" + (unit.isEmpty() ? "second" : unit);
    }

    static String hex(String value) {
        try {
            String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
            return "0x" + Long.toHexString(Long.parseUnsignedLong(digits.isEmpty() ? "0" : digits, 16));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String text(JsonNode o, String field, String dflt) {
        JsonNode v = o.get(field);
        String s = v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
        return s.isEmpty() ? dflt : s;
    }

    private static Iterable<JsonNode> list(JsonNode o, String field) {
        JsonNode v = o == null ? null : o.get(field);
        return v != null && v.isArray() ? v : List.of();
    }
}
