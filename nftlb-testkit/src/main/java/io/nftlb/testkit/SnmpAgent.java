package io.nftlb.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code snmpd} running inside a namespace and reporting a chosen CPU idle share, as a
 * differently loaded host would. Namespaces share the host's CPU, so the agent is told what to
 * report: the raw tick counters are overridden with zero (a least-CPU-load check then falls back
 * to {@code ssCpuIdle}) and {@code ssCpuIdle} with the given percentage. Community {@code public}.
 */
public final class SnmpAgent implements AutoCloseable {

    private static final String UCD_SYSTEM_STATS = ".1.3.6.1.4.1.2021.11.";

    private final Path config;
    private final Process process;

    private SnmpAgent(Path config, Process process) {
        this.config = config;
        this.process = process;
    }

    /**
     * Starts an agent listening on {@code address:161} inside {@code namespace}.
     *
     * @param idlePercent the idle CPU share it reports, 0..100
     */
    public static SnmpAgent start(NetworkNamespace namespace, String address, int idlePercent) {
        if (idlePercent < 0 || idlePercent > 100) {
            throw new IllegalArgumentException("idlePercent must be 0..100: " + idlePercent);
        }
        StringBuilder c = new StringBuilder("rocommunity public\n");
        for (int oid = 50; oid <= 54; oid++) {
            c.append("override ").append(UCD_SYSTEM_STATS).append(oid).append(".0 counter 0\n");
        }
        c.append("override ").append(UCD_SYSTEM_STATS).append("11.0 integer ").append(idlePercent).append('\n');
        try {
            Path config = Files.createTempFile("nftlb-snmpd", ".conf");
            Files.writeString(config, c.toString());
            Process p = new ProcessBuilder("ip", "netns", "exec", namespace.name(), "snmpd", "-f", "-Lo", "-C",
                    "-c", config.toString(), "udp:" + address + ":161")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new SnmpAgent(config, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start snmpd (Debian package snmpd) in " + namespace.name(), e);
        }
    }

    /** Stops the agent and removes its configuration. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
