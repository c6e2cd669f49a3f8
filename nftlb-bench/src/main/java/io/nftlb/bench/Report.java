package io.nftlb.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the points into the CSV file and the markdown tables of the docs page. */
record Report(DataPathBench.Options options, List<Point> points, Environment before, Environment after,
        double minutes) {
    private static final List<String> OURS = List.of("ours-snat", "ours-dnat");
    private static final List<String> REFERENCES = List.of("iptables", "lvs-rr", "lvs-wrr", "nftlb");

    String csv() {
        StringBuilder csv = new StringBuilder("system,services,setup_s,conn_per_s,req_per_s,p50_us,p99_us,"
                + "kernel_ms_per_10k_conn,errors,failure\n");
        for (Point p : points) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%.2f,%.0f,%.0f,%.1f,%.1f,%.2f,%d,%s%n", p.system(),
                    p.services(), p.setupSeconds(), p.connRate(), p.reqRate(), p.p50Micros(), p.p99Micros(),
                    p.kernelMsPer10k(), p.errors(), p.failure() == null ? "" : "\"" + p.failure() + "\""));
        }
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s, %.1f minutes; %d repeats of %d s per measure (median), "
                + "%d timed connects per repeat for latency; wrk -t%d -c%d.%n%n", before.at().toString().substring(0, 16)
                .replace('T', ' ') + " UTC", minutes, options.repeats(), options.run().toSeconds(),
                options.latencySamples(), options.threads(), options.connections()));
        md.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> fact : before.facts().entrySet()) {
            md.append("| ").append(fact.getKey()).append(" | ").append(fact.getValue().replace('|', '/'))
                    .append(" |\n");
        }
        md.append("| load average (1 5 15 min) before | ").append(load(before)).append(" |\n");
        md.append("| load average after | ").append(load(after)).append(" |\n\n");

        md.append("| system | services | setup s | new conn/s | req/s persistent | first packet p50 µs | p99 µs "
                + "| kernel CPU ms / 10k conn | errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : points) {
            if (!p.ok()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | | | | | |%n", p.system(), p.services(),
                        Double.isNaN(p.setupSeconds()) ? "" : String.format(Locale.ROOT, "%.1f", p.setupSeconds()),
                        p.failure()));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %,.0f | %.0f | %.0f | %.1f | %d |%n",
                    p.system(), p.services(), p.setupSeconds(), p.connRate(), p.reqRate(), p.p50Micros(),
                    p.p99Micros(), p.kernelMsPer10k(), p.errors()));
        }

        md.append("\nEach system at N services against itself at 1 service: new conn/s; first-packet p50 "
                + "(the p50 is the steadiest measure of the per-connection lookup on a busy machine):\n\n");
        md.append("| system |");
        for (int n : options.scales()) {
            md.append(String.format(Locale.ROOT, " %,d |", n));
        }
        md.append("\n|---|").append("---:|".repeat(options.scales().size())).append('\n');
        for (LbSystem system : options.systems()) {
            Point one = Plot.find(points, system.name(), options.scales().get(0));
            md.append("| ").append(system.name()).append(" |");
            for (int n : options.scales()) {
                Point p = Plot.find(points, system.name(), n);
                md.append(' ').append(ratio(p, one, Point::connRate)).append("; ")
                        .append(ratio(p, one, Point::p50Micros)).append(" |");
            }
            md.append('\n');
        }

        md.append("\nThis library against the others at each scale, ours / theirs: new conn/s, req/s persistent "
                + "(> 1: ours faster), first-packet p50 and p99 (< 1: ours faster):\n\n");
        md.append("| ours | against | services | new conn/s | req/s | p50 | p99 |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (String ours : OURS) {
            for (String reference : REFERENCES) {
                for (int n : options.scales()) {
                    Point a = Plot.find(points, ours, n);
                    Point b = Plot.find(points, reference, n);
                    if (a == null || b == null || !a.ok() || !b.ok()) {
                        continue;
                    }
                    md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s |%n", ours, reference, n,
                            ratio(a, b, Point::connRate), ratio(a, b, Point::reqRate), ratio(a, b, Point::p50Micros),
                            ratio(a, b, Point::p99Micros)));
                }
            }
        }
        return md.toString();
    }

    private static String load(Environment environment) {
        String[] f = environment.loadAverage().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : environment.loadAverage();
    }

    private static String ratio(Point a, Point b, java.util.function.ToDoubleFunction<Point> measure) {
        if (a == null || b == null || !a.ok() || !b.ok()) {
            return "–";
        }
        double r = measure.applyAsDouble(a) / measure.applyAsDouble(b);
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
    }
}
