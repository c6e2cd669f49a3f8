package io.nftlb.daemon;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line, as nftlb's: {@code -c FILE -e -k KEY -H HOST -P PORT -l LEVEL -h}, plus
 * {@code -n NETNS} to apply inside a named network namespace.
 *
 * @param level nftlb's syslog level 0..7 (5, notice, by default)
 */
record Options(Optional<Path> config, boolean exit, Optional<String> key, String host, int port,
               Optional<String> netns, int level, boolean help) {

    static final String USAGE = """
            Usage: java -jar nftlb-daemon.jar [OPTIONS]
              -h, --help            show this help
              -c, --config FILE     initial configuration (nftlb's JSON format)
              -e, --exit            apply the configuration and exit (no web service)
              -k, --key KEY         the key clients give in the "Key" header (else $NFTLB_SERVER_KEY, else generated)
              -H, --host HOST       address of the web service (127.0.0.1 by default)
              -P, --port PORT       port of the web service (5555 by default)
              -n, --netns NAME      apply inside the named network namespace (ip netns)
              -l, --log LEVEL       log level 0..7 as syslog's (5 by default)
            """;

    static Options parse(String... args) {
        Optional<Path> config = Optional.empty();
        boolean exit = false;
        boolean help = false;
        Optional<String> key = Optional.empty();
        Optional<String> netns = Optional.empty();
        String host = "127.0.0.1";
        int port = 5555;
        int level = 5;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> help = true;
                case "-e", "--exit" -> exit = true;
                case "-c", "--config" -> config = Optional.of(Path.of(value(args, ++i, a)));
                case "-k", "--key" -> key = Optional.of(value(args, ++i, a));
                case "-H", "--host" -> host = value(args, ++i, a);
                case "-P", "--port" -> port = number(value(args, ++i, a), a, 0, 65535);
                case "-n", "--netns" -> netns = Optional.of(value(args, ++i, a));
                case "-l", "--log" -> level = number(value(args, ++i, a), a, 0, 7);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        return new Options(config, exit, key, host, port, netns, level, help);
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
