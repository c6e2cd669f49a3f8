package io.nftlb.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The control-plane benchmark's results as a markdown table with ratios, for docs/benchmarks/runtime.md. */
final class RuntimeReport {

    private RuntimeReport() {}

    /** @param page the docs page whose results section is rewritten */
    static void write(Path page, List<RuntimeBench.Result> results, int ops, Duration warmup) throws IOException {
        Environment env = Environment.capture();
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(env.at()).append(", ").append(ops).append(" timed operations per kind (a third as many ")
                .append("farm additions), each kind after ").append(warmup.toSeconds())
                .append(" s of untimed calls (at least 20) to warm up the JIT. Machine: ").append(env.facts().get("CPU")).append(", ")
                .append(env.facts().get("kernel")).append(", ").append(env.facts().get("nft")).append(", nftlb ")
                .append(env.facts().get("nftlb")).append(", ").append(env.facts().get("java")).append("; load average ")
                .append(env.loadAverage()).append(".\n\n");
        md.append("| system | farms | cold load | weight change p50 / p99 | state change p50 / p99 | add a farm p50 / p99 | memory per farm |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (RuntimeBench.Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f s | %s / %s | %s / %s | %s / %s | %s |%n",
                    r.system(), r.farms(), r.loadSeconds(), Latency.format(r.weight().p50Micros()),
                    Latency.format(r.weight().p99Micros()), Latency.format(r.state().p50Micros()),
                    Latency.format(r.state().p99Micros()), Latency.format(r.add().p50Micros()),
                    Latency.format(r.add().p99Micros()), bytes(r.bytesPerFarm())));
        }
        md.append("\nRatios of p50 latencies, the other system's over ours over netlink at the same scale ")
                .append("(how many times slower it is):\n\n");
        md.append("| farms | system | weight change | state change | add a farm | cold load |\n| ---: | --- | ---: | ---: | ---: | ---: |\n");
        for (RuntimeBench.Result r : results) {
            if (r.system().equals("ours-netlink") || r.system().equals("ours-metered")) {
                continue;
            }
            find(results, "ours-netlink", r.farms()).ifPresent(ours -> md.append(String.format(Locale.ROOT,
                    "| %,d | %s | %.0fx | %.0fx | %.0fx | %.1fx |%n", r.farms(), r.system(),
                    r.weight().p50Micros() / ours.weight().p50Micros(), r.state().p50Micros() / ours.state().p50Micros(),
                    r.add().p50Micros() / ours.add().p50Micros(), r.loadSeconds() / ours.loadSeconds())));
        }
        List<RuntimeBench.Result> ours = results.stream().filter(r -> r.system().equals("ours-netlink")).toList();
        if (ours.size() >= 2) {
            RuntimeBench.Result small = ours.get(0);
            RuntimeBench.Result large = ours.get(ours.size() - 1);
            md.append(String.format(Locale.ROOT, "%nOurs over netlink, %,d farms against %,d: weight change p50 %.2fx, "
                            + "state change %.2fx, add a farm %.2fx.%n", large.farms(), small.farms(),
                    large.weight().p50Micros() / small.weight().p50Micros(),
                    large.state().p50Micros() / small.state().p50Micros(),
                    large.add().p50Micros() / small.add().p50Micros()));
        }
        for (RuntimeBench.Result m : results) {
            if (m.system().equals("ours-metered")) {
                find(results, "ours-netlink", m.farms()).ifPresent(bare -> md.append(String.format(Locale.ROOT,
                        "%nWith the meter binder attached (ours-metered) over without (ours-netlink), %,d farms, p50:"
                                + " weight change %.3fx, state change %.3fx, add a farm %.3fx.%n", m.farms(),
                        m.weight().p50Micros() / bare.weight().p50Micros(),
                        m.state().p50Micros() / bare.state().p50Micros(),
                        m.add().p50Micros() / bare.add().p50Micros())));
            }
        }
        System.out.print(md);
        ResultsPage.write(page, "RuntimeBench", md.toString(), "runtime-results.md");
    }

    private static Optional<RuntimeBench.Result> find(List<RuntimeBench.Result> results, String system, int farms) {
        return results.stream().filter(r -> r.system().equals(system) && r.farms() == farms).findFirst();
    }

    static String bytes(double b) {
        if (b < 0 || Double.isNaN(b)) {
            return "n/a";
        }
        return b >= 10_240 ? String.format(Locale.ROOT, "%.0f KiB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b);
    }
}
