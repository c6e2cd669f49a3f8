package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a drop-in for nftlb: every request sequence of {@code differential/corpus.txt}
 * goes to Debian's nftlb and to the daemon, each freshly started in its own namespace, and
 * their answers are compared: the status, and the body (as JSON values where both are JSON,
 * else as text); after each sequence, {@code GET /farms}, {@code /policies} and
 * {@code /addresses} too (a dynamic session's expiration, read at each server's own instant,
 * compares by its syntax only). Each difference must be listed, with its reason, in
 * {@code differential/expected-differences.txt}, and each listed difference must still occur:
 * the list is exactly what is not compatible.
 */
@RequiresNetns
class NftlbDifferentialIT {

    static final String CORPUS = "differential/corpus.txt";
    static final String EXPECTED = "differential/expected-differences.txt";
    static final List<String> AFTER = List.of("/farms", "/policies", "/addresses");

    /** A listed difference: where ({@code SEQUENCE STEP WHAT}, globs with *) and why. */
    record Expected(String line, Pattern where, String reason) {}

    @Test
    void theDaemonAnswersAsNftlbDoesExceptTheListedDifferences(NetworkNamespace theirs, NetworkNamespace ours,
                                                                 @TempDir Path dir) {
        DifferentialServers.prepare(theirs);
        DifferentialServers.prepare(ours);
        List<Expected> expected = expected();
        Map<Expected, Integer> seen = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> all = new ArrayList<>();
        Path log = dir.resolve("nftlb.log");
        List<DifferentialCorpus.Sequence> corpus = DifferentialCorpus.read(CORPUS);
        int compared = 0;
        for (DifferentialCorpus.Sequence sequence : corpus) {
            try (DifferentialServers.Server nftlb = DifferentialServers.nftlb(theirs, log);
                 DifferentialServers.Server daemon = DifferentialServers.daemon(ours)) {
                List<DifferentialCorpus.Step> steps = new ArrayList<>(sequence.steps());
                int requested = steps.size();
                AFTER.forEach(p -> steps.add(new DifferentialCorpus.Step("GET", p, Optional.of(DifferentialServers.KEY), "")));
                for (int i = 0; i < steps.size(); i++) {
                    DifferentialCorpus.Step step = steps.get(i);
                    if (step.method().equals(DifferentialCorpus.REMEMBER)) {
                        JsonNode s = ConfigMapper.parse(step.body());
                        for (DifferentialServers.Server server : List.of(nftlb, daemon)) {
                            server.remember(step.path().substring(step.path().lastIndexOf('/') + 1),
                                    s.path("client").asText(), s.path("backend").asText(), s.path("ether-addr").asText());
                        }
                        continue;
                    }
                    compared++;
                    String at = sequence.name() + " " + (i < requested ? String.valueOf(i + 1) : "after" + step.path());
                    for (String d : differences(nftlb.send(step), daemon.send(step))) {
                        String where = at + " " + d.substring(0, d.indexOf(": "));
                        String line = at + " (" + step + ") " + d;
                        all.add(line);
                        Optional<Expected> match = expected.stream().filter(e -> e.where().matcher(where).matches()).findFirst();
                        match.ifPresentOrElse(e -> seen.merge(e, 1, Integer::sum), () -> unexpected.add(line));
                    }
                }
            }
        }
        System.out.printf("[NftlbDifferentialIT] %d sequences, %d requests to each server, %d differences, all listed: %b%n",
                corpus.size(), compared, all.size(), unexpected.isEmpty());
        assertTrue(corpus.size() >= 10 && compared >= 100, "the corpus was read whole: " + corpus.size()
                + " sequences, " + compared + " requests");
        List<String> stale = expected.stream().filter(e -> !seen.containsKey(e)).map(Expected::line).toList();
        String report = "differences not listed in " + EXPECTED + ":\n  " + String.join("\n  ", unexpected)
                + "\nlisted but not seen (remove them):\n  " + String.join("\n  ", stale)
                + "\n(all differences:\n  " + String.join("\n  ", all) + ")";
        assertTrue(unexpected.isEmpty() && stale.isEmpty(), report);
    }

    /** "status ..." or "&lt;pointer&gt; ..." (or "body ..." where a side is not JSON), one a difference. */
    static List<String> differences(DifferentialServers.Reply theirs, DifferentialServers.Reply ours) {
        List<String> out = new ArrayList<>();
        if (theirs.status() != ours.status()) {
            out.add("status: nftlb " + theirs.status() + ", daemon " + ours.status());
        }
        Optional<JsonNode> a = json(theirs.body());
        Optional<JsonNode> b = json(ours.body());
        if (a.isPresent() && b.isPresent()) {
            a.ifPresent(NftlbDifferentialIT::timeLeft);
            b.ifPresent(NftlbDifferentialIT::timeLeft);
            JsonDiff.of(a.get(), b.get()).forEach(d -> out.add((d.pointer().isEmpty() ? "/" : d.pointer())
                    + d.toString().substring(d.toString().indexOf(':'))));
        } else if (!theirs.body().strip().equals(ours.body().strip())) {
            out.add("body: nftlb " + quote(theirs.body()) + ", daemon " + quote(ours.body()));
        }
        return out;
    }

    /** nft's text of a duration: 59m58s120ms. */
    static final Pattern NFT_DURATION = Pattern.compile("(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    /**
     * A dynamic session's expiration is the time its element has left when the server reads it,
     * which each server reads at its own instant (milliseconds apart): an expiration in nft's
     * syntax compares as that, whatever its value; one in another form still shows.
     */
    static void timeLeft(JsonNode reply) {
        for (JsonNode session : reply.path("sessions")) {
            if (session instanceof com.fasterxml.jackson.databind.node.ObjectNode o
                    && NFT_DURATION.matcher(o.path("expiration").asText("")).matches()) {
                o.put("expiration", "(time left, in nft's syntax)");
            }
        }
    }

    private static Optional<JsonNode> json(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigMapper.JSON.readTree(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String quote(String text) {
        return "\"" + ConfigMapper.abbreviate(text.strip()) + "\"";
    }

    /** The listed differences: {@code SEQUENCE STEP WHAT | reason}, STEP a number or after/PATH. */
    static List<Expected> expected() {
        String text;
        try (InputStream in = NftlbDifferentialIT.class.getClassLoader().getResourceAsStream(EXPECTED)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Expected> list = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int bar = line.indexOf('|');
            if (bar < 0 || line.substring(bar + 1).isBlank()) {
                throw new IllegalArgumentException(EXPECTED + ": every line needs \"| reason\": " + line);
            }
            String where = line.substring(0, bar).strip();
            // A * stands for any characters but a space: a step, an array index, a field name.
            String regex = String.join("[^ ]*", java.util.Arrays.stream(where.split("\\*", -1)).map(Pattern::quote).toList());
            list.add(new Expected(line, Pattern.compile(regex), line.substring(bar + 1).strip()));
        }
        return list;
    }
}
