package io.nftlb.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU counters from {@code /proc/stat} (all CPUs, in clock ticks). Namespaces
 * share the kernel, so packet processing on the balancer (softirq, mostly) shows here, mixed
 * with the client's and backends' kernel time and with anything else the machine runs.
 */
record CpuSample(long user, long system, long irq, long softirq, long idle, long total) {
    private static final double TICKS_PER_SECOND = 100.0;

    static CpuSample now() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long[] v = new long[f.length - 1];
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Long.parseLong(f[i]);
                if (i <= 8) {
                    total += v[i - 1];
                }
            }
            // cpu user nice system idle iowait irq softirq steal ...
            return new CpuSample(v[0] + v[1], v[2], v[5], v[6], v[3] + v[4], total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Delta minus(CpuSample earlier) {
        return new Delta(user - earlier.user, system - earlier.system, irq - earlier.irq, softirq - earlier.softirq,
                idle - earlier.idle, total - earlier.total);
    }

    record Delta(long user, long system, long irq, long softirq, long idle, long total) {
        double kernelSeconds() {
            return (system + irq + softirq) / TICKS_PER_SECOND;
        }

        double softirqSeconds() {
            return softirq / TICKS_PER_SECOND;
        }
    }
}
