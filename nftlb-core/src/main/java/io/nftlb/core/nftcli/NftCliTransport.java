package io.nftlb.core.nftcli;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.KernelFeatures;
import io.nftlb.core.transport.Transport;
import io.nftlb.core.transport.TransportException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commits transactions by running {@code nft -f -} with the transaction rendered as an nft
 * script ({@link NftText#render(Transaction)}): nft sends it as one netlink batch, so it
 * applies atomically. Optionally inside a named network namespace, through
 * {@code ip netns exec NAME}.
 *
 * <p>It is slow next to the netlink transport (a process per commit, about 40 ms, and nft
 * re-reads the interval sets it touches), and serves as a fallback and as the test oracle.
 *
 * <p>What it cannot do:
 * <ul>
 *   <li>{@link #read}: nft has no way to hand back the AST; it throws
 *       {@link UnsupportedOperationException}. The netlink transport reads tables back.
 *   <li>{@link #generation}: nft prints no ruleset generation (neither {@code nft list ruleset}
 *       nor the JSON output's {@code metainfo}, which only has nft's version and schema), so it
 *       returns -1, and a transaction with an expected generation is refused with
 *       {@link UnsupportedOperationException} rather than committed unchecked.
 * </ul>
 *
 * <p>Errors: nft names the script line it failed on and, for kernel errors, the errno's text
 * ({@code Could not process rule: No such file or directory}). The
 * {@link TransportException} carries the errno's name ({@code ENOENT}) and the {@link Op} of
 * that line. Not thread-safe, like any transport; needs root (CAP_NET_ADMIN) to commit.
 */
public final class NftCliTransport implements Transport {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");
    /** How much of one line of nft's error output goes into a message (an element list can be huge). */
    private static final int MAX_LINE = 400;

    private final List<String> command;
    private final Duration timeout;

    /** Runs {@code command} (which reads a script on its standard input); package-private for tests. */
    NftCliTransport(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /**
     * Runs {@code nft} in the caller's network namespace.
     *
     * @throws IllegalStateException if no {@code nft} is found on PATH or in the system directories
     */
    public static NftCliTransport create() {
        return new NftCliTransport(List.of(find("nft"), "-f", "-"), DEFAULT_TIMEOUT);
    }

    /**
     * Runs {@code nft} inside the named network namespace ({@code ip netns list} shows the names).
     *
     * @throws IllegalStateException if {@code ip} or {@code nft} is not found
     */
    public static NftCliTransport inNamespace(String namespace) {
        requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.contains("/")) {
            throw new IllegalArgumentException("not a network namespace name: \"" + namespace + "\"");
        }
        return new NftCliTransport(List.of(find("ip"), "netns", "exec", namespace, find("nft"), "-f", "-"),
                DEFAULT_TIMEOUT);
    }

    /**
     * The same transport with another limit on how long one commit may take (default 2 minutes).
     * A commit that runs out of time is killed and fails with {@code ETIMEDOUT}; whether the
     * kernel had already applied it is then unknown.
     */
    public NftCliTransport withTimeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + value);
        }
        return new NftCliTransport(command, value);
    }

    @Override
    public void commit(Transaction transaction) {
        if (transaction.expectedGeneration().isPresent()) {
            throw new UnsupportedOperationException("the nft transport cannot check the ruleset generation");
        }
        if (transaction.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder();
        List<Integer> firstLines = new ArrayList<>();
        int line = 1;
        for (Op op : transaction.ops()) {
            String text = NftText.command(op);
            firstLines.add(line);
            line += (int) text.chars().filter(c -> c == '\n').count() + 1;
            script.append(text).append('\n');
        }
        Result r = run(script.toString());
        if (r.timedOut) {
            throw new TransportException("nft did not finish within " + timeout + "; the transaction may or may not"
                    + " have been applied", "ETIMEDOUT", Optional.empty());
        }
        if (r.exitCode != 0) {
            throw error(r.stderr, firstLines, transaction.ops());
        }
    }

    /** Not available from nft: always throws. The netlink transport reads tables back. */
    @Override
    public Optional<Table> read(TableRef table) {
        throw new UnsupportedOperationException("the nft transport cannot read tables back into the AST;"
                + " use the netlink transport for readback");
    }

    /** Always -1: nft does not print the ruleset generation. */
    @Override
    public long generation() {
        return -1;
    }

    /** Nothing to release: each commit is its own process. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "NftCliTransport" + command;
    }

    // ---- running nft ----------------------------------------------------------------------

    private record Result(int exitCode, String stderr, boolean timedOut) {}

    private Result run(String script) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new TransportException("cannot start " + String.join(" ", command) + ": " + e.getMessage(),
                    "UNKNOWN", Optional.empty(), e);
        }
        // Feed stdin from another thread while this one drains stderr, so neither pipe can fill up and stall nft.
        Thread feeder = Thread.ofVirtual().name("nft-stdin").start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // nft exited before reading everything; its exit code and stderr say why.
            }
        });
        try {
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!done) {
                p.destroyForcibly();
                return new Result(-1, stderr, true);
            }
            feeder.join();
            return new Result(p.exitValue(), stderr, false);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new TransportException("cannot read nft's output; the transaction may or may not have been applied",
                    "UNKNOWN", Optional.empty(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while nft ran; the transaction may or may not have been applied",
                    "EINTR", Optional.empty(), e);
        }
    }

    private static String find(String program) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(program + " not found on PATH or in " + SYSTEM_DIRS);
    }

    // ---- errors ---------------------------------------------------------------------------

    /** {@code /dev/stdin:3:35-40: Error: Could not process rule: No such file or directory}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^[^\\n]*?:(\\d+):\\d+(?:-\\d+)?: Error: (.*)$",
            Pattern.MULTILINE);

    /**
     * The errno texts (glibc's strerror) nft prints for kernel errors, by name; and the two
     * checks nft makes itself against its cache of interval sets, which stand for the errors
     * the kernel would give. Longer texts first, where one contains another.
     */
    private static final List<Map.Entry<String, String>> ERRNOS = List.of(
            Map.entry("Too many open files in system", "ENFILE"),
            Map.entry("Too many open files", "EMFILE"),
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("Invalid argument", "EINVAL"),
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Operation not supported", "EOPNOTSUPP"),
            Map.entry("Numerical result out of range", "ERANGE"),
            Map.entry("Message too long", "EMSGSIZE"),
            Map.entry("No buffer space available", "ENOBUFS"),
            Map.entry("Cannot allocate memory", "ENOMEM"),
            Map.entry("Value too large for defined data type", "EOVERFLOW"),
            Map.entry("Too many links", "EMLINK"),
            Map.entry("Too many levels of symbolic links", "ELOOP"),
            Map.entry("Argument list too long", "E2BIG"),
            Map.entry("No such device", "ENODEV"),
            Map.entry("No such process", "ESRCH"),
            Map.entry("Protocol not supported", "EPROTONOSUPPORT"),
            Map.entry("Address family not supported by protocol", "EAFNOSUPPORT"),
            Map.entry("Resource temporarily unavailable", "EAGAIN"),
            Map.entry("Interrupted system call", "EINTR"),
            Map.entry("Directory not empty", "ENOTEMPTY"),
            Map.entry("No space left on device", "ENOSPC"),
            Map.entry("element does not exist", "ENOENT"),
            Map.entry("interval overlaps with an existing one", "EEXIST"));

    /**
     * The exception for nft's error output: the first error names the line, hence the op
     * ({@code firstLines.get(i)} is the script line where op {@code i} starts).
     */
    static TransportException error(String stderr, List<Integer> firstLines, List<Op> ops) {
        Matcher m = ERROR_LINE.matcher(stderr);
        Optional<Op> op = Optional.empty();
        String what;
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            op = opAt(line, firstLines, ops);
            what = m.group(2).strip();
        } else {
            what = stderr.strip().lines().findFirst().orElse("nft failed and printed nothing");
        }
        String errno = errno(what);
        String feature = op.flatMap(o -> KernelFeatures.missing(o, errno)).map(f -> ": " + f).orElse("");
        String message = op.map(o -> o.describe() + ": ").orElse("") + errno + " (" + what + ")" + feature + "\n"
                + shorten(stderr);
        return new TransportException(message.strip(), errno, op);
    }

    /** The errno name for nft's error text, or {@code UNKNOWN} (syntax errors and the like). */
    static String errno(String text) {
        for (Map.Entry<String, String> e : ERRNOS) {
            if (text.contains(e.getKey())) {
                return e.getValue();
            }
        }
        return "UNKNOWN";
    }

    private static Optional<Op> opAt(int line, List<Integer> firstLines, List<Op> ops) {
        for (int i = firstLines.size() - 1; i >= 0; i--) {
            if (firstLines.get(i) <= line) {
                return Optional.of(ops.get(i));
            }
        }
        return Optional.empty();
    }

    private static String shorten(String stderr) {
        StringBuilder out = new StringBuilder();
        stderr.lines().limit(20).forEach(l -> out.append(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "..." : l)
                .append('\n'));
        return out.toString();
    }
}
