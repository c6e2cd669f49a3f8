package io.nftlb.testkit.internal;

import io.nftlb.netns.internal.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Decides whether kernel tests can run here, and what to do when they cannot: skip them,
 * or fail them when the project's switch asks for them ({@value #PROPERTY}{@code =true} or
 * {@value #VARIABLE}{@code =true}), because a CI run that silently skips its kernel tests
 * proves nothing (DESIGN.md, "Testing: the kernel is the oracle"). The generic {@code CI}
 * variable is not read: hosted CI services set it for every build, root or not.
 */
public final class NetnsCapability {
    /** The system property that makes a kernel test that cannot run fail instead of skip. */
    public static final String PROPERTY = "nftlb.requireNetns";

    /** The environment variable with the same meaning as {@link #PROPERTY}. */
    public static final String VARIABLE = "NFTLB_REQUIRE_NETNS";

    /** Linux capability numbers, from {@code linux/capability.h}. */
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private static volatile Decision current;

    private NetnsCapability() {}

    /** What a kernel test should do. */
    public enum Verdict {
        /** Everything needed is there: run the test. */
        RUN,
        /** Something is missing: report the test as skipped, with the reason. */
        SKIP,
        /** Something is missing and kernel tests are required: fail the test with the reason. */
        FAIL
    }

    /**
     * A verdict and, unless it is {@link Verdict#RUN}, why.
     *
     * @param verdict run, skip or fail
     * @param reason why the test cannot run; empty for {@link Verdict#RUN}
     */
    public record Decision(Verdict verdict, String reason) {}

    /**
     * The process's user id and effective capability set, as {@code /proc/self/status}
     * reports them.
     *
     * @param uid the effective user id
     * @param effectiveCapabilities the {@code CapEff} bit set
     */
    public record Privileges(long uid, long effectiveCapabilities) {
        /** Whether capability number {@code capability} is effective. */
        public boolean has(int capability) {
            return (effectiveCapabilities >>> capability & 1) == 1;
        }

        /** This process's privileges. */
        public static Privileges ofThisProcess() {
            try {
                return parse(Files.readString(Path.of("/proc/self/status")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/self/status", e);
            }
        }

        /** Parses the {@code Uid:} and {@code CapEff:} lines of a {@code /proc/PID/status} text. */
        public static Privileges parse(String status) {
            long uid = -1;
            long capabilities = 0;
            for (String line : status.split("\n")) {
                String[] fields = line.trim().split("\\s+");
                if (fields[0].equals("Uid:") && fields.length > 2) {
                    uid = Long.parseLong(fields[2]);
                } else if (fields[0].equals("CapEff:") && fields.length > 1) {
                    capabilities = Long.parseUnsignedLong(fields[1], 16);
                }
            }
            return new Privileges(uid, capabilities);
        }
    }

    /**
     * The decision for this JVM: privileges from {@code /proc/self/status}, the switch from the
     * system properties and the environment, and a real probe (a namespace is created, entered, listed with nft
     * and removed). Worked out once per JVM.
     */
    public static Decision current() {
        Decision decision = current;
        if (decision == null) {
            synchronized (NetnsCapability.class) {
                decision = current;
                if (decision == null) {
                    decision = decide(required(System.getProperties(), System.getenv()), Privileges.ofThisProcess(),
                            NetnsCapability::probe);
                    current = decision;
                }
            }
        }
        return decision;
    }

    /**
     * The decision for given facts. {@code required} says whether a test that cannot run fails;
     * {@code probe} is only asked when privileges suffice; it returns why namespaces do not
     * work, or empty if they do.
     */
    public static Decision decide(boolean required, Privileges privileges,
            Supplier<Optional<String>> probe) {
        Optional<String> problem = missingPrivileges(privileges);
        if (problem.isEmpty()) {
            problem = probe.get();
        }
        if (problem.isEmpty()) {
            return new Decision(Verdict.RUN, "");
        }
        if (required) {
            return new Decision(Verdict.FAIL, problem.get() + " (" + PROPERTY
                    + "=true: a kernel test that cannot run fails the build instead of being skipped)");
        }
        return new Decision(Verdict.SKIP, problem.get());
    }

    /** Whether {@link #PROPERTY} or {@link #VARIABLE} is {@code true}. */
    static boolean required(Properties properties, Map<String, String> environment) {
        return "true".equalsIgnoreCase(String.valueOf(properties.getProperty(PROPERTY)).trim())
                || "true".equalsIgnoreCase(String.valueOf(environment.get(VARIABLE)).trim());
    }

    private static Optional<String> missingPrivileges(Privileges privileges) {
        List<String> missing = new ArrayList<>();
        if (!privileges.has(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        if (!privileges.has(CAP_SYS_ADMIN)) {
            missing.add("CAP_SYS_ADMIN");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces (uid="
                + privileges.uid() + ", missing " + String.join(", ", missing) + ")");
    }

    /** Tries everything a kernel test needs, once, and says what failed. */
    private static Optional<String> probe() {
        for (String tool : List.of("ip", "nft")) {
            if (Tools.find(tool).isEmpty()) {
                return Optional.of("`" + tool + "` not found (install " + (tool.equals("ip") ? "iproute2" : "nftables")
                        + ")");
            }
        }
        String name;
        try {
            name = NamespaceRegistry.create(1).get(0);
        } catch (RuntimeException e) {
            return Optional.of("`ip netns add` does not work here: " + e.getMessage());
        }
        try {
            var nft = Commands.run(List.of(Tools.ip(), "netns", "exec", name, Tools.nft(), "list", "ruleset"), null,
                    PROBE_TIMEOUT);
            if (!nft.succeeded()) {
                return Optional.of("nft does not work inside a network namespace: " + nft.summary());
            }
            NamespacedThreads.call(new NamespacedThreads(name, () -> true), Netns::currentThreadNamespace);
            return Optional.empty();
        } catch (Exception | LinkageError e) {
            return Optional.of("cannot enter a network namespace with setns: " + e);
        } finally {
            NamespaceRegistry.delete(List.of(name));
        }
    }
}
