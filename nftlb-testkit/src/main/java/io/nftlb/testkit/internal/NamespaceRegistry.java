package io.nftlb.testkit.internal;

import io.nftlb.testkit.CommandFailedException;
import io.nftlb.testkit.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and deletes this JVM's named network namespaces, and makes sure none outlive it.
 *
 * <p>Names are {@code nftlbt-<pid>-<n>}: the pid lets a later run tell a leftover of a killed
 * JVM (pid no longer alive) from a namespace of a run still going on in parallel. Three
 * nets catch leftovers: {@code close()}, a shutdown hook for Ctrl-C and SIGTERM, and a sweep
 * of dead pids' namespaces on first use (for SIGKILL).
 */
public final class NamespaceRegistry {
    /** Every namespace the kit creates starts with this. */
    public static final String PREFIX = "nftlbt-";

    /** Where {@code ip netns} keeps its namespace handles. */
    public static final Path NETNS_DIRECTORY = Path.of("/var/run/netns");

    private static final Logger log = LoggerFactory.getLogger(NamespaceRegistry.class);
    private static final Pattern OUR_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object FIRST_USE = new Object();
    private static volatile boolean initialised;

    private NamespaceRegistry() {}

    /**
     * Creates {@code count} fresh namespaces with one {@code ip} process and returns their
     * names. Either all of them exist afterwards or none does.
     */
    public static List<String> create(int count) {
        initialiseOnce();
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(PREFIX + PID + "-" + NEXT_NUMBER.getAndIncrement());
        }
        // Registered before they exist, so a shutdown in the middle still removes them.
        LIVE.addAll(names);
        CommandResult result;
        try {
            result = ipBatch(names.stream().map(n -> "netns add " + n).toList());
        } catch (RuntimeException e) {
            deleteQuietly(names);
            throw e;
        }
        if (!result.succeeded()) {
            deleteQuietly(names);
            throw new CommandFailedException("cannot create network namespaces: "
                    + result.summary(), result);
        }
        return names;
    }

    /**
     * Deletes the named namespaces that still exist; names already gone are fine.
     *
     * @throws IllegalStateException if some could not be deleted
     */
    public static void delete(Collection<String> names) {
        List<String> existing = names.stream().filter(NamespaceRegistry::exists).toList();
        CommandResult result = existing.isEmpty()
                ? null
                : ipBatch(existing.stream().map(n -> "netns delete " + n).toList());
        List<String> remaining = names.stream().filter(NamespaceRegistry::exists).toList();
        names.stream().filter(n -> !remaining.contains(n)).forEach(LIVE::remove);
        if (!remaining.isEmpty()) {
            throw new IllegalStateException("cannot delete network namespaces " + remaining
                    + (result == null ? "" : ": " + result.summary()));
        }
    }

    /** Whether a namespace of this name exists (live or leftover). */
    public static boolean exists(String name) {
        return Files.exists(handle(name));
    }

    /** The file that holds the namespace open, and that {@code setns} opens. */
    public static Path handle(String name) {
        return NETNS_DIRECTORY.resolve(name);
    }

    /**
     * Deletes leftovers of earlier runs: namespaces named by the kit whose JVM is no longer
     * alive (or that carry this JVM's pid but were not made by this JVM: a reused pid).
     *
     * @return the names deleted
     */
    public static List<String> sweepLeftovers() {
        List<String> present;
        try (Stream<Path> files = Files.exists(NETNS_DIRECTORY) ? Files.list(NETNS_DIRECTORY) : Stream.empty()) {
            present = files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + NETNS_DIRECTORY, e);
        }
        List<String> leftovers = leftovers(present, PID, LIVE::contains,
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        if (!leftovers.isEmpty()) {
            log.info("removing {} network namespaces left over by earlier runs: {}", leftovers.size(), leftovers);
            deleteQuietly(leftovers);
        }
        return leftovers;
    }

    /**
     * Which of {@code names} are leftovers: named by the kit, not live in this JVM, and made
     * by a JVM that is gone (a pid that is not alive, or this JVM's own pid reused).
     */
    public static List<String> leftovers(Collection<String> names, long selfPid, Predicate<String> isLive,
            LongPredicate isAlive) {
        return names.stream()
                .filter(name -> !isLive.test(name))
                .filter(name -> {
                    Matcher m = OUR_NAME.matcher(name);
                    if (!m.matches()) {
                        return false;
                    }
                    long pid;
                    try {
                        pid = Long.parseLong(m.group(1));
                    } catch (NumberFormatException e) {
                        return false;
                    }
                    return pid == selfPid || !isAlive.test(pid);
                })
                .sorted()
                .toList();
    }

    private static void initialiseOnce() {
        if (initialised) {
            return;
        }
        synchronized (FIRST_USE) {
            if (initialised) {
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(List.copyOf(LIVE)),
                    "nftlbt-namespace-cleanup"));
            try {
                sweepLeftovers();
            } catch (RuntimeException e) {
                log.warn("could not remove leftover network namespaces: {}", e.getMessage());
            }
            initialised = true;
        }
    }

    private static void deleteQuietly(Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        try {
            delete(names);
        } catch (RuntimeException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** One {@code ip} process for many commands; -force keeps going past a failing line. */
    private static CommandResult ipBatch(List<String> lines) {
        return Commands.run(List.of(Tools.ip(), "-force", "-batch", "-"), String.join("\n", lines) + "\n", IP_TIMEOUT);
    }
}
