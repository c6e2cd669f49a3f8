package io.nftlb.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * An optional kernel feature that a test needs, and whether this kernel has it, decided by evidence
 * that does not come from the code under test: a minimal configuration loaded by the feature's own
 * tool ({@code nft -f}, {@code ipvsadm}) in a fresh network namespace. Loading it also makes a
 * modular kernel load the module, so a stock kernel with the feature as a module counts as having
 * it. The kernel configuration's line ({@code /proc/config.gz} or {@code /boot/config-RELEASE})
 * and {@code /sys/module} are reported beside the result, as context.
 *
 * <p>A test of a feature uses both branches: where the kernel has it, the test applies the feature
 * and checks it with traffic or readback (a refusal is then a failure); where it has not, the test
 * asserts that the refusal is whole and names the feature, and only then skips, with
 * {@link Evidence#summary()} as the reason.
 *
 * <pre>{@code
 * if (KernelFeature.NFT_QUEUE.evidence().present()) { ... apply, check ... }
 * else { ... assert the refusal ...; Assumptions.abort(KernelFeature.NFT_QUEUE.evidence().summary()); }
 * }</pre>
 *
 * <p>Needs what {@link RequiresNetns} needs (root); worked out once per JVM and feature.
 */
public enum KernelFeature {
    /** The {@code queue} statement (NFQUEUE from nftables). */
    NFT_QUEUE("CONFIG_NFT_QUEUE", "nft_queue", new String[] {"nft", "-f", "-"}, """
            table inet probe {
              chain c {
                type filter hook input priority 0
                queue num 1 bypass
              }
            }
            """),
    /** Flowtables, and so {@code flow add} (flow offload in software). */
    NF_FLOW_TABLE("CONFIG_NF_FLOW_TABLE", "nf_flow_table", new String[] {"nft", "-f", "-"}, """
            table inet probe {
              flowtable f {
                hook ingress priority 0
                devices = { lo }
              }
            }
            """),
    /** IP Virtual Server (LVS). */
    IP_VS("CONFIG_IP_VS", "ip_vs", new String[] {"ipvsadm", "-A", "-t", "192.0.2.1:80", "-s", "rr"}, null);

    private static final ConcurrentMap<KernelFeature, Evidence> EVIDENCE = new ConcurrentHashMap<>();

    private final String configSymbol;
    private final String module;
    private final String[] probe;
    private final String probeInput;

    KernelFeature(String configSymbol, String module, String[] probe, String probeInput) {
        this.configSymbol = configSymbol;
        this.module = module;
        this.probe = probe;
        this.probeInput = probeInput;
    }

    /** The kernel configuration symbol that builds the feature, e.g. {@code CONFIG_NFT_QUEUE}. */
    public String configSymbol() {
        return configSymbol;
    }

    /**
     * Whether this kernel has the feature and why we think so.
     *
     * @param present whether the minimal configuration loaded
     * @param summary what was tried and what the kernel said, with the configuration line: a
     *     reason fit for a skip or an assertion message
     */
    public record Evidence(boolean present, String summary) {}

    /**
     * The evidence for this kernel: runs the probe in a fresh namespace the first time it is asked.
     *
     * @throws CommandFailedException if the probe's tool is missing (install it: a missing tool is
     *     not evidence either way)
     */
    public Evidence evidence() {
        return EVIDENCE.computeIfAbsent(this, KernelFeature::probe);
    }

    private Evidence probe() {
        String context = "; kernel configuration: " + configLine(kernelConfig().orElse(null), configSymbol)
                + "; /sys/module/" + module + (Files.isDirectory(Path.of("/sys/module", module)) ? " present"
                : " absent");
        CommandResult result;
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            if (probeInput != null) {
                try {
                    ns.nft(probeInput);
                    return new Evidence(true, "this kernel has " + configSymbol + ": `nft -f` of a minimal "
                            + name() + " ruleset loaded in a fresh namespace" + context);
                } catch (CommandFailedException e) {
                    result = e.result();
                }
            } else {
                result = ns.exec(probe);
            }
        }
        if (result.exitCode() == 127 || result.stderr().contains("exec of")) {
            throw new CommandFailedException("cannot tell whether this kernel has " + configSymbol + ": `"
                    + probe[0] + "` did not run (install it)", result);
        }
        if (result.succeeded()) {
            return new Evidence(true, "this kernel has " + configSymbol + ": `" + String.join(" ", probe)
                    + "` succeeded in a fresh namespace" + context);
        }
        return new Evidence(false, "this kernel lacks " + configSymbol + ": `" + String.join(" ", probe)
                + "` of a minimal " + name() + " configuration failed in a fresh namespace ("
                + firstLine(result.stderr()) + ")" + context);
    }

    /**
     * The line of a kernel configuration text that sets {@code symbol}: {@code CONFIG_X=y},
     * {@code CONFIG_X=m}, {@code # CONFIG_X is not set}; or what is missing.
     */
    static String configLine(String config, String symbol) {
        if (config == null) {
            return "neither /proc/config.gz nor /boot/config-RELEASE is readable";
        }
        Matcher m = Pattern.compile("^(" + Pattern.quote(symbol) + "=.*|# " + Pattern.quote(symbol) + " is not set)$",
                Pattern.MULTILINE).matcher(config);
        return m.find() ? m.group(1) : symbol + " not mentioned";
    }

    private static Optional<String> kernelConfig() {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz")))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return Optional.of(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // not built with CONFIG_IKCONFIG_PROC: distributions ship the file under /boot
        }
        try {
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            return Optional.of(Files.readString(Path.of("/boot/config-" + release)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(String text) {
        return text.strip().lines().filter(l -> l.contains("Error") || l.contains("Can't")).findFirst()
                .orElse(text.strip().lines().findFirst().orElse("no message"));
    }
}
