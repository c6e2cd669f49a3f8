package io.nftlb.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The command line, as nftlb's: {@code -c FILE -e -k KEY -H HOST -P PORT -l LEVEL -L OUTPUT -6 -S
 * -m MARK -h}, each also as getopt takes it ({@code --config=FILE}, {@code -cFILE}), plus
 * {@code -n NETNS} to apply inside a named network namespace, {@code --key-file}, the API's
 * limits and the drift check, {@code --check} and {@code --metrics-without-key}.
 *
 * @param level nftlb's syslog level 0..7 (5, notice, by default)
 * @param driftCheck how often the kernel's tables are checked and put back; zero: never
 * @param logOutput nftlb's -L: 0 syslog (the daemon writes to standard error), 1 standard output,
 *     2 standard error, 3 and 4 as 1 and 2
 * @param check validate the configuration and print what it would commit, changing nothing
 * @param metricsWithoutKey serve {@code GET /metrics} to clients without the key
 */
record Options(Optional<Path> config, boolean exit, Optional<String> key, Optional<Path> keyFile, String host,
               int port, Optional<String> netns, int level, boolean help, ApiLimits limits, Duration driftCheck,
               int logOutput, boolean check, boolean metricsWithoutKey) {

    /** Without {@code -L}, {@code --check} and {@code --metrics-without-key}. */
    Options(Optional<Path> config, boolean exit, Optional<String> key, Optional<Path> keyFile, String host, int port,
            Optional<String> netns, int level, boolean help, ApiLimits limits, Duration driftCheck) {
        this(config, exit, key, keyFile, host, port, netns, level, help, limits, driftCheck, DEFAULT_LOG_OUTPUT,
                false, false);
    }

    static final Duration DEFAULT_DRIFT_CHECK = Duration.ofSeconds(5);
    /** nftlb's -L default is syslog; the daemon writes that to standard error. */
    static final int DEFAULT_LOG_OUTPUT = 2;

    static final String USAGE = """
            Usage: java -jar nftlb-daemon.jar [OPTIONS]
              -h, --help            show this help
              -c, --config FILE     initial configuration (nftlb's JSON format)
              -e, --exit            apply the configuration and exit (no web service)
              -k, --key KEY         the key clients give in the "Key" header (else --key-file, else
                                    $NFTLB_SERVER_KEY, else generated and printed). Every local user
                                    can read a -k KEY in `ps`: prefer --key-file or $NFTLB_SERVER_KEY
                  --key-file FILE   read the key from FILE (one line; keep the file private)
              -H, --host HOST       address of the web service (127.0.0.1 by default)
              -P, --port PORT       port of the web service (5555 by default)
              -n, --netns NAME      apply inside the named network namespace (ip netns)
              -l, --log LEVEL       log level 0..7 as syslog's (5 by default)
              -L, --log-output N    where the log goes: 1 or 3 standard output, 0, 2 or 4 standard
                                    error (nftlb's 0, 3 and 4 add syslog, which the daemon does not use)
              -6, --ipv6            listen on IPv6 (::1 unless -H gives the address)
              -S, --serial          accepted, as nftlb's: every change is one transaction anyway
              -m, --masquerade-mark MARK  accepted (hex), as nftlb's: the daemon marks no masqueraded packets
            Options take their value as the next word, after "=" (--config=FILE) or, short ones,
            attached (-cFILE).
                  --drift-check S   every S seconds, put back the daemon's tables if something else
                                    changed or deleted them (5 by default; 0 turns it off)
                  --check           validate the configuration (-c), print the ruleset it makes and
                                    the transaction it would commit against the kernel's tables now,
                                    and exit (0 valid, 1 not) without changing anything
            Observability (besides nftlb's API, with the same key):
                                    GET /metrics          Prometheus text format: commits, drift,
                                                          per farm and backend state, weight and
                                                          live connections, packets and bytes
                                    GET /status/farms[/NAME]  each farm explained, with its backends'
                                                          live counters (JSON)
                  --metrics-without-key
                                    serve GET /metrics to clients without the key
            Limits of the web service:
                  --threads N       requests served at once (8 by default; more wait their turn)
                  --connections N   open connections at most (256 by default; more wait to be accepted)
                  --timeout S       close a connection idle for S seconds while reading the request
                                    or writing the reply (30 by default)
                  --max-header B    bytes of request line and headers at most (8192 by default; 431)
                  --max-body B      bytes of request body at most (16777216 by default; 413)
            """;

    /** The options that take a value, short and long (as nftlb's getopt string "hl:L:c:k:ed6H:P:Sm:"). */
    private static final java.util.Set<String> WITH_VALUE = java.util.Set.of("-l", "-L", "-c", "-k", "-H", "-P", "-m",
            "-n", "--log", "--log-output", "--config", "--key", "--host", "--port", "--masquerade-mark", "--netns",
            "--key-file", "--drift-check", "--threads", "--connections", "--timeout", "--max-header", "--max-body");

    /** {@code --opt=value} and {@code -oVALUE} as two words, as getopt reads them. */
    static String[] words(String... args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2 && WITH_VALUE.contains(a.substring(0, eq))) {
                out.add(a.substring(0, eq));
                out.add(a.substring(eq + 1));
            } else if (!a.startsWith("--") && a.length() > 2 && a.startsWith("-") && WITH_VALUE.contains(a.substring(0, 2))) {
                out.add(a.substring(0, 2));
                out.add(a.substring(2));
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    static Options parse(String... given) {
        String[] args = words(given);
        Optional<Path> config = Optional.empty();
        boolean exit = false;
        boolean help = false;
        Optional<String> key = Optional.empty();
        Optional<Path> keyFile = Optional.empty();
        Optional<String> netns = Optional.empty();
        String host = null;
        boolean ipv6 = false;
        int port = 5555;
        int level = 5;
        int logOutput = DEFAULT_LOG_OUTPUT;
        ApiLimits d = ApiLimits.DEFAULTS;
        int threads = d.threads();
        int connections = d.connections();
        long timeout = d.timeout().toSeconds();
        int maxHeader = d.headerBytes();
        int maxBody = d.bodyBytes();
        long drift = DEFAULT_DRIFT_CHECK.toSeconds();
        boolean check = false;
        boolean metricsWithoutKey = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> help = true;
                case "-e", "--exit" -> exit = true;
                case "-c", "--config" -> config = Optional.of(Path.of(value(args, ++i, a)));
                case "-k", "--key" -> key = Optional.of(nonEmpty(value(args, ++i, a), a));
                case "--key-file" -> keyFile = Optional.of(Path.of(value(args, ++i, a)));
                case "-H", "--host" -> host = value(args, ++i, a);
                case "-P", "--port" -> port = number(value(args, ++i, a), a, 0, 65535);
                case "-n", "--netns" -> netns = Optional.of(value(args, ++i, a));
                case "-l", "--log" -> level = number(value(args, ++i, a), a, 0, 7);
                case "-L", "--log-output" -> logOutput = number(value(args, ++i, a), a, 0, 4);
                case "-6", "--ipv6" -> ipv6 = true;
                case "-S", "--serial" -> { } // each change is one transaction already
                case "-m", "--masquerade-mark" -> hexMark(value(args, ++i, a), a);
                case "--drift-check" -> drift = number(value(args, ++i, a), a, 0, 86_400);
                case "--check" -> check = true;
                case "--metrics-without-key" -> metricsWithoutKey = true;
                case "--threads" -> threads = number(value(args, ++i, a), a, 1, 1024);
                case "--connections" -> connections = number(value(args, ++i, a), a, 1, 1_000_000);
                case "--timeout" -> timeout = number(value(args, ++i, a), a, 1, 86_400);
                case "--max-header" -> maxHeader = number(value(args, ++i, a), a, 256, 1024 * 1024);
                case "--max-body" -> maxBody = number(value(args, ++i, a), a, 1, Integer.MAX_VALUE - 8);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (key.isPresent() && keyFile.isPresent()) {
            throw new IllegalArgumentException("give the key with -k or --key-file, not both");
        }
        return new Options(config, exit, key, keyFile, host != null ? host : ipv6 ? "::1" : "127.0.0.1", port, netns,
                level, help, new ApiLimits(threads, connections, Duration.ofSeconds(timeout), maxHeader, maxBody),
                Duration.ofSeconds(drift), logOutput, check, metricsWithoutKey);
    }

    /** Where slf4j-simple writes the log, for nftlb's -L. */
    String slf4jLogFile() {
        return logOutput == 1 || logOutput == 3 ? "System.out" : "System.err";
    }

    /** The slf4j-simple level for nftlb's syslog level. */
    String slf4jLevel() {
        return level <= 3 ? "error" : level == 4 ? "warn" : level <= 6 ? "info" : "debug";
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static String nonEmpty(String text, String option) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("option " + option + " = \"\": the key must not be empty");
        }
        return text;
    }

    private static void hexMark(String text, String option) {
        try {
            Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " = \"" + text + "\" is not a hexadecimal mark");
        }
    }

    private static int number(String text, String option, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option " + option + " = \"" + text + "\" must be a number within "
                + min + ".." + max);
    }
}
