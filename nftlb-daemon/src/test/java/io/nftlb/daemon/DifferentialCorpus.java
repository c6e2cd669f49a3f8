package io.nftlb.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request sequences of the differential test ({@code differential/corpus.txt}): a sequence
 * starts with {@code == NAME}, each request with {@code METHOD /path} (optionally preceded by
 * {@code @key=VALUE} or {@code @nokey}), and the lines after a request line up to the next one
 * are its body. Lines starting with {@code #} are comments. A step {@link #REMEMBER} is not sent
 * but makes a dynamic session.
 */
final class DifferentialCorpus {

    /**
     * Not a request: {@code REMEMBER /farms/NAME} with {@code {"client": ..., "backend": ...}}
     * (and the backend's {@code "ether-addr"} for a dsr farm)
     * makes each server's data path remember the client on the backend, as the farm's
     * persistence does when a client connects (see {@link DifferentialServers.Server#remember}).
     */
    static final String REMEMBER = "REMEMBER";

    private static final Pattern REQUEST = Pattern.compile("^((?:@\\S+\\s+)*)([A-Z]+) (/\\S*)$");

    /** One request; {@code key} empty: no Key header at all. */
    record Step(String method, String path, Optional<String> key, String body) {
        @Override
        public String toString() {
            return (key.isEmpty() ? "@nokey " : key.get().equals(DifferentialServers.KEY) ? "" : "@key=" + key.get() + " ")
                    + method + " " + path;
        }
    }

    record Sequence(String name, List<Step> steps) {}

    private DifferentialCorpus() {}

    static List<Sequence> read(String resource) {
        try (InputStream in = DifferentialCorpus.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Sequence> parse(String text) {
        List<Sequence> sequences = new ArrayList<>();
        String name = null;
        List<Step> steps = new ArrayList<>();
        String[] pending = null; // method, path, key-or-null-for-none
        StringBuilder body = new StringBuilder();
        for (String line : (text + "\n== end").split("\n", -1)) {
            Matcher m = REQUEST.matcher(line.strip());
            boolean sequenceStart = line.startsWith("== ");
            if (line.startsWith("#")) {
                continue;
            }
            if (!sequenceStart && !m.matches()) {
                if (pending == null && !line.isBlank()) {
                    throw new IllegalArgumentException("corpus: a body line with no request: " + line);
                }
                body.append(line).append('\n');
                continue;
            }
            if (pending != null) {
                steps.add(new Step(pending[0], pending[1], Optional.ofNullable(pending[2]), body.toString().strip()));
                pending = null;
            }
            body.setLength(0);
            if (sequenceStart) {
                if (name != null) {
                    sequences.add(new Sequence(name, List.copyOf(steps)));
                }
                name = line.substring(3).strip();
                steps.clear();
                continue;
            }
            if (name == null) {
                throw new IllegalArgumentException("corpus: a request before the first == NAME: " + line);
            }
            String key = DifferentialServers.KEY;
            for (String option : m.group(1).strip().split("\\s+")) {
                if (option.equals("@nokey")) {
                    key = null;
                } else if (option.startsWith("@key=")) {
                    key = option.substring(5);
                } else if (!option.isEmpty()) {
                    throw new IllegalArgumentException("corpus: unknown option " + option);
                }
            }
            pending = new String[] {m.group(2), m.group(3), key};
        }
        return sequences;
    }
}
