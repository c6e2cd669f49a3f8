package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nftlb's log fields on the library's logs, read once all other fields of a farm are mapped
 * (a farm's limits decide whether its refusals are logged).
 *
 * <ul>
 *   <li>{@code log} (words of {@code input}, {@code forward}, {@code output}; {@code none}) with
 *   {@code log-prefix}: nftlb logs in the farm's chain of that kind with the template expanded
 *   ({@link LogPrefix#farm}); the library logs each new connection once, before scheduling,
 *   with the same expanded prefix and no rate limit ({@code Inspection.log(prefix)}). For
 *   {@code input} in snat and dnat mode nftlb also logs one packet per connection (its nat
 *   chain), so the two agree; for {@code forward} nftlb logs every forwarded packet, both ways;
 *   for {@code output} in snat and dnat mode nftlb writes no log rule at all. A value of several
 *   words is one log, its {@code TYPE} the first of IN, FWD, OUT it names. nftlb's
 *   {@code log-rtlimit} does not limit these lines, nor does the library.</li>
 *   <li>Refusals: nftlb's verdict logs them unless it leaves out {@code log} (its default logs),
 *   each with a prefix per limit, at most at {@code log-rtlimit} ({@code 0}: no limit). The
 *   library has one prefix per farm and appends what fired: {@code "<farm>-"} gives lines
 *   {@code "lb01-rate "}, {@code "lb01-resets "}, {@code "lb01-conns "}, {@code "lb01-strict "},
 *   {@code "lb01-invalid "}, {@code "lb01-backend bck0 "} where nftlb writes
 *   {@code "new-rtlimit-lb01 "}, {@code "rst-rtlimit-lb01 "}, {@code "est-connlimit-lb01 "},
 *   {@code "tcp-strict-lb01 "} (for both), {@code "est-connlimit-lb01-bck0 "}. A per-limit
 *   prefix field that is not nftlb's default is accepted with a warning naming it (once per
 *   value in a process), since its text cannot be had. The same verdict and rate apply to the
 *   drops of the farm's policies ({@link PolicyMapper}).</li>
 * </ul>
 */
final class LogFields {

    private static final Logger log = LoggerFactory.getLogger(LogFields.class);

    /** A farm's per-limit prefix field, whether the farm has that limit, and the word the library logs for it. */
    private record LimitPrefix(String field, Predicate<Limits> applies, String what) {}

    private static final List<LimitPrefix> LIMIT_PREFIXES = List.of(
            new LimitPrefix("new-rtlimit-log-prefix", l -> l.newConnections().isPresent(), "rate "),
            new LimitPrefix("rst-rtlimit-log-prefix", l -> l.resets().isPresent(), "resets "),
            new LimitPrefix("est-connlimit-log-prefix", l -> l.connectionsPerClient().isPresent(), "conns "),
            new LimitPrefix("tcp-strict-log-prefix", Limits::tcpStrict, "strict "));

    private static final Set<String> LOG_WORDS = Set.of("none", "input", "forward", "output");

    /** The per-limit prefix fields warned about so far (see {@link #warn}). */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private LogFields() {}

    /** The farm with its new-connection log and its refusals' log, as its fields ask. */
    static Farm apply(Farm farm, JsonNode object, String where, Problems problems) {
        return refusalLog(newConnectionLog(farm, object, where, problems), object, where);
    }

    /**
     * {@code log} and {@code log-prefix}: each new connection of a snat or dnat farm, each packet
     * of a dsr farm (at ingress, as nftlb logs it); reported for a stlsdnat farm.
     */
    private static Farm newConnectionLog(Farm farm, JsonNode object, String where, Problems problems) {
        String value = Values.text(where, "log", object.get("log"));
        Optional<String> type = chainType(where, value);
        if (type.isEmpty()) {
            return farm;
        }
        String template = template(object, "log-prefix", where).orElse(LogPrefix.FARM_DEFAULT);
        Limits.Log line = line(where, "log-prefix", template, LogPrefix.farm(template, farm.name(), type.get()),
                Optional.empty());
        if (farm.forwarding().servedAtIngress() && !(farm.forwarding() instanceof Forwarding.Dsr)) {
            problems.unsupported(where, "log", value, "nftlb logs every packet of a stlsdnat farm at netdev"
                    + " ingress; the library logs those of dsr farms only");
            return farm;
        }
        return farm.inspection(farm.inspection().log(line));
    }

    /**
     * {@code IN}, {@code FWD} or {@code OUT} for a {@code log} value, empty for none. nftlb
     * finds each word anywhere in the value, and {@code none} wins over the others.
     */
    static Optional<String> chainType(String where, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        List<String> words = List.of(value.split("[\\s,]+"));
        if (!LOG_WORDS.containsAll(words)) {
            throw ConfigException.field(where, "log", value, "must be none, or words of input, forward and output");
        }
        if (words.contains("none")) {
            return Optional.empty();
        }
        return Optional.of(words.contains("input") ? "IN" : words.contains("forward") ? "FWD" : "OUT");
    }

    /** The limits' log, {@code "<farm>-"}, when the farm refuses anything and its verdict logs. */
    private static Farm refusalLog(Farm farm, JsonNode object, String where) {
        Optional<Rate> rate = rate(object, where); // checked even when nothing is logged: a bad value is an error
        boolean refuses = farm.limits().any() || farm.backends().stream().anyMatch(b -> b.maxConnections().isPresent());
        if (!refuses || !logsRefusals(object, where)) {
            return farm;
        }
        String prefix = farm.name() + "-";
        warnAboutPrefixes(farm, object, where, prefix);
        return farm.limits(farm.limits().log(new Limits.Log(prefix, rate)));
    }

    /** Whether nftlb's {@code verdict} logs refusals: it does unless it is given without {@code log}. */
    static boolean logsRefusals(JsonNode farm, String where) {
        String verdict = Values.text(where, "verdict", farm.get("verdict"));
        return verdict.isEmpty() || List.of(verdict.split("\\s+")).contains("log");
    }

    /** {@code log-rtlimit}: the most refusal lines per unit of time; empty for nftlb's 0, no limit. */
    static Optional<Rate> rate(JsonNode farm, String where) {
        String value = Values.text(where, "log-rtlimit", farm.get("log-rtlimit"));
        return value.isEmpty() ? Optional.empty() : Optional.ofNullable(LimitFields.parseRate(where, "log-rtlimit", value));
    }

    /** A prefix template as written (not trimmed: nftlb keeps its spaces); empty when absent or "". */
    static Optional<String> template(JsonNode object, String field, String where) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw ConfigException.field(where, field, node.toString(), "must be a string");
        }
        return node.asText().isEmpty() ? Optional.empty() : Optional.of(node.asText());
    }

    /** The library's log of an expanded prefix; a prefix it refuses (too long, a '"') names the field. */
    static Limits.Log line(String where, String field, String value, String prefix, Optional<Rate> rate) {
        try {
            return new Limits.Log(prefix, rate);
        } catch (InvalidFarmException e) {
            throw ConfigException.field(where, field, value, "gives a log prefix the library refuses ("
                    + e.getMessage() + ")");
        }
    }

    /** One warning per per-limit prefix field that is not nftlb's default and whose limit the farm has. */
    private static void warnAboutPrefixes(Farm farm, JsonNode object, String where, String prefix) {
        for (LimitPrefix p : LIMIT_PREFIXES) {
            template(object, p.field(), where).filter(t -> !LogPrefix.LIMIT_DEFAULTS.contains(t.strip()))
                    .filter(t -> p.applies().test(farm.limits()))
                    .ifPresent(t -> warn(where, p.field(), t, prefix + p.what()));
        }
        JsonNode backends = object.get("backends");
        if (backends == null || !backends.isArray()) {
            return;
        }
        for (JsonNode b : backends) {
            String name = Values.text(where, "name", b.get("name"));
            String bw = where + ": backend \"" + name + "\"";
            template(b, "est-connlimit-log-prefix", bw).filter(t -> !LogPrefix.BACKEND_DEFAULTS.contains(t.strip()))
                    .filter(t -> farm.backend(name).map(x -> x.maxConnections().isPresent()).orElse(false))
                    .ifPresent(t -> warn(bw, "est-connlimit-log-prefix", t, prefix + "backend " + name + " "));
        }
    }

    /**
     * Warns once per farm, field and value in this process: the daemon maps the whole
     * configuration on every API change, and an unchanged field is not news.
     */
    private static void warn(String where, String field, String value, String line) {
        if (!WARNED.add(where + "\u0000" + field + "\u0000" + value)) {
            return;
        }
        log.warn("{}: field \"{}\" = \"{}\" is accepted, but the library cannot write that prefix: its lines for"
                + " this limit start \"{}\"", where, field, value, line);
    }
}
