package io.nftlb.testkit;

import io.nftlb.testkit.internal.Commands;
import io.nftlb.testkit.internal.NamespaceRegistry;
import io.nftlb.testkit.internal.NamespacedThreads;
import io.nftlb.testkit.internal.TestScope;
import io.nftlb.testkit.internal.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fresh, empty, named Linux network namespace ({@code ip netns add}), removed by
 * {@link #close()}.
 *
 * <p>Names are {@code nftlbt-<pid>-<n>}. Namespaces this JVM still holds when it exits
 * (Ctrl-C, SIGTERM) are removed by a shutdown hook; those of a killed JVM are removed by the
 * next JVM that uses the kit. Created while a {@link RequiresNetns} test runs, a namespace
 * is also removed when that test ends.
 *
 * <p>Code runs inside the namespace in two ways: commands through {@link #exec} (and
 * {@link #nft}), and Java code on the platform threads of {@link #threadFactory()} or
 * {@link #runInside}; sockets created there belong to the namespace for good. The calling
 * thread's own namespace never changes. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN).
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NFT_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final NamespacedThreads threads;

    private NetworkNamespace(String name) {
        this.name = name;
        this.threads = new NamespacedThreads(name, open::get);
    }

    /**
     * For test engines that do not run JUnit Jupiter extensions (jqwik properties, plain
     * mains): applies the same rule as {@link RequiresNetns} before making namespaces. Returns
     * when namespaces can be made; otherwise aborts the test with the reason (reported as
     * skipped), or, with {@code -Dnftlb.requireNetns=true} or {@code NFTLB_REQUIRE_NETNS=true}, throws {@link IllegalStateException} with it.
     */
    public static void requireAvailable() {
        io.nftlb.testkit.internal.NetnsCapability.Decision decision =
                io.nftlb.testkit.internal.NetnsCapability.current();
        switch (decision.verdict()) {
            case RUN -> { }
            case SKIP -> org.junit.jupiter.api.Assumptions.abort(decision.reason());
            case FAIL -> throw new IllegalStateException(decision.reason());
        }
    }

    /**
     * Creates a fresh network namespace, with only a loopback interface (down) and an
     * empty ruleset.
     *
     * @throws CommandFailedException if {@code ip netns add} fails (typically: not root)
     */
    public static NetworkNamespace create() {
        NetworkNamespace namespace = createAll(1).get(0);
        TestScope.track(namespace);
        return namespace;
    }

    /** Creates several namespaces with one {@code ip} process (the topology needs many, fast). */
    static List<NetworkNamespace> createAll(int count) {
        return NamespaceRegistry.create(count).stream().map(NetworkNamespace::new).toList();
    }

    /** Deletes several namespaces with one {@code ip} process; already closed ones are skipped. */
    static void closeAll(Collection<NetworkNamespace> namespaces) {
        List<String> names = new ArrayList<>();
        for (NetworkNamespace namespace : namespaces) {
            if (namespace != null && namespace.open.getAndSet(false)) {
                names.add(namespace.name);
            }
        }
        if (!names.isEmpty()) {
            NamespaceRegistry.delete(names);
        }
    }

    /** The namespace's name, as {@code ip netns list} shows it. */
    public String name() {
        return name;
    }

    /**
     * The namespace's handle file ({@code /var/run/netns/NAME}): open it and pass the file
     * descriptor to {@code setns(2)} to enter the namespace from other code.
     */
    public Path path() {
        return NamespaceRegistry.handle(name);
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean isOpen() {
        return open.get();
    }

    /**
     * Runs a command inside the namespace ({@code ip netns exec NAME command...}) and waits
     * at most 30 s for it.
     *
     * @param command the program and its arguments; a program without a slash is looked up on
     *     PATH and then in {@code /usr/sbin}, {@code /sbin}, {@code /usr/bin}, {@code /bin}
     * @return how it ended and what it printed; never throws for a non-zero exit
     */
    public CommandResult exec(String... command) {
        return exec(DEFAULT_TIMEOUT, command);
    }

    /** Like {@link #exec(String...)}, waiting at most {@code timeout}. */
    public CommandResult exec(Duration timeout, String... command) {
        return run(null, timeout, command);
    }

    /**
     * Like {@link #exec(String...)}, but throws if the command does not succeed.
     *
     * @throws CommandFailedException with the command's standard error in its message
     */
    public CommandResult execOrThrow(String... command) {
        return exec(command).orThrow();
    }

    /**
     * The MAC address of a device of this namespace, e.g. {@code 02:5e:...} (lower case).
     *
     * @throws CommandFailedException if there is no such device
     * @throws IllegalStateException if the device has no link-layer address
     */
    public String macAddress(String device) {
        String line = execOrThrow("ip", "-o", "link", "show", "dev", device).stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("device " + device + " of " + this + " has no ether address: " + line);
        }
        return m.group(1);
    }

    /**
     * Applies an nft script inside the namespace ({@code nft -f -}), as one transaction.
     *
     * @throws CommandFailedException whose message carries nft's error (with the offending
     *     line) if nft rejects the script
     */
    public void nft(String script) {
        Objects.requireNonNull(script, "script == null");
        CommandResult result = run(script, NFT_TIMEOUT, Tools.nft(), "-f", "-");
        if (!result.succeeded()) {
            throw new CommandFailedException("nft -f failed in network namespace " + name + ": "
                    + (result.timedOut() ? "timed out" : result.stderr().strip()), result);
        }
    }

    /** The namespace's ruleset as {@code nft list ruleset} prints it. */
    public String listRuleset() {
        return run(null, NFT_TIMEOUT, Tools.nft(), "list", "ruleset").orThrow().stdout();
    }

    /** The namespace's ruleset as {@code nft -j list ruleset} prints it: raw JSON text. */
    public String listRulesetJson() {
        return run(null, NFT_TIMEOUT, Tools.nft(), "-j", "list", "ruleset").orThrow().stdout();
    }

    /**
     * Runs {@code task} on a new platform thread inside the namespace and waits for it. The
     * calling thread (which may be virtual) stays where it is.
     *
     * @return what {@code task} returned
     * @throws Exception what {@code task} threw, unchanged
     */
    public <T> T runInside(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task == null");
        ensureOpen();
        return NamespacedThreads.call(threads, task);
    }

    /**
     * A factory of daemon platform threads that enter this namespace before running their
     * task (for an executor whose sockets must live here). A thread that cannot enter runs
     * nothing. New threads are refused once the namespace is closed.
     */
    public ThreadFactory threadFactory() {
        return threads;
    }

    /** Removes the namespace ({@code ip netns delete}); calling it again does nothing. */
    @Override
    public void close() {
        closeAll(List.of(this));
    }

    /** The namespace's name. */
    @Override
    public String toString() {
        return name;
    }

    private CommandResult run(String stdin, Duration timeout, String... command) {
        Objects.requireNonNull(timeout, "timeout == null");
        if (command.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        ensureOpen();
        List<String> line = new ArrayList<>(List.of(Tools.ip(), "netns", "exec", name));
        String program = command[0];
        line.add(program.contains("/") ? program : Tools.find(program).map(Path::toString).orElse(program));
        line.addAll(List.of(command).subList(1, command.length));
        return Commands.run(line, stdin, timeout);
    }

    private void ensureOpen() {
        if (!open.get()) {
            throw new IllegalStateException("network namespace " + name + " is closed");
        }
    }
}
