package io.nftlb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine, kernel, tool versions and load, as the docs page reports them. */
record Environment(Instant at, Map<String, String> facts, String loadAverage) {

    static Environment capture() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("CPU", cpuModel() + " x " + Runtime.getRuntime().availableProcessors());
        facts.put("memory", memory());
        facts.put("kernel", first(command("uname", "-srm")));
        facts.put("nft", first(command("nft", "--version")));
        facts.put("iptables", first(command("iptables", "-V")));
        facts.put("ipvsadm", "Debian package " + first(command("dpkg-query", "-W", "-f", "${Version}", "ipvsadm"))
                + (Files.isDirectory(Path.of("/proc/sys/net/ipv4/vs")) ? "" : "; kernel without IPVS"));
        facts.put("nftlb", first(command("nftlb", "-h")).replace("nftlb, nftables load balancer - ", "")
                + " (Debian package " + first(command("dpkg-query", "-W", "-f", "${Version}", "nftlb")) + ")");
        facts.put("wrk", first(command("wrk", "-v")));
        facts.put("nginx", first(command("nginx", "-v")));
        facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return new Environment(Instant.now(), facts, read("/proc/loadavg"));
    }

    String summary() {
        return facts + ", load " + loadAverage;
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
    }

    private static String memory() {
        String line = read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal")).findFirst().orElse("");
        String[] f = line.trim().split("\\s+");
        return f.length >= 2 ? String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(f[1]) / 1024.0 / 1024.0) : "?";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String first(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("?");
    }

    /** Runs a version command on the host (read-only: versions only) and returns stdout and stderr. */
    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
