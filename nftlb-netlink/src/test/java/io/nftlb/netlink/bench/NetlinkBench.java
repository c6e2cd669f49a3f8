package io.nftlb.netlink.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Full commit of N compiled farms (4 weighted backends each) through netlink and through
 * {@code nft -f} of the same rendered text, each into a fresh namespace; then one backend weight
 * change (the farm's sched elements: delete + add) through both. Prints medians and ratios.
 *
 * <p>Run as root from the repository root (see docs/benchmarks/netlink.md):
 * {@code nftlb-netlink/bench.sh 5 1 100 1000 10000}
 *
 * <p>Arguments: repetitions, then farm counts.
 */
public final class NetlinkBench {

    private NetlinkBench() {}

    record Row(int farms, double spawn, int ops, long bytesOfText, double netlinkFull, double nftFull, double netlinkChange,
            double nftChange) {}

    /** The benches' arguments: repetitions first (5 if none). */
    static int repetitions(String[] args) {
        return args.length > 0 ? Integer.parseInt(args[0]) : 5;
    }

    /** The benches' arguments: farm counts after the repetitions ({@code defaults} if none). */
    static List<Integer> sizes(String[] args, List<Integer> defaults) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        return sizes.isEmpty() ? defaults : sizes;
    }

    public static void main(String[] args) throws Exception {
        int reps = repetitions(args);
        List<Integer> sizes = sizes(args, List.of(1, 100, 1_000, 10_000));
        // warm up the JIT on the code paths (not measured)
        for (int i = 0; i < 3; i++) {
            measure(200, 1, false);
        }
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            Row r = measure(n, reps, true);
            rows.add(r);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d repetitions, medians; full = whole ruleset into an empty namespace;%n"
                + "change = one backend weight of one farm (its sched elements: delete + add), one transaction%n", reps);
        System.out.printf(Locale.ROOT, "| farms | ops | nft text | full: netlink | full: nft -f | ratio "
                + "| change: netlink | change: nft -f | ratio | spawn of `true` in the ns |%n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %,d | %,d | %,d B | %s | %s | %.1fx | %s | %s | %.0fx | %s |%n", r.farms(),
                    r.ops(), r.bytesOfText(), time(r.netlinkFull()), time(r.nftFull()),
                    r.nftFull() / r.netlinkFull(), time(r.netlinkChange()), time(r.nftChange()),
                    r.nftChange() / r.netlinkChange(), time(r.spawn()));
        }
    }

    static List<Farm> farms(int n, int changedWeight) {
        List<Farm> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String vip = "10." + (100 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
            Backend[] bs = new Backend[4];
            for (int j = 0; j < 4; j++) {
                int w = (i == 0 && j == 0) ? changedWeight : 10 * (j + 1);
                bs[j] = Backend.of("b" + j, "10.3." + (i % 250) + "." + (10 + j)).weight(w);
            }
            out.add(Farm.dnat(vip).port(1000 + i % 60000).named("f" + i).weighted(bs));
        }
        return out;
    }

    /** Untimed full commits of each size before its timed repetitions. */
    static final int FULL_WARMUP = 3;
    /** Untimed one-element changes before the timed ones, per repetition. */
    static final int CHANGE_WARMUP = 2_000;
    /** Timed one-element changes per repetition (odd: the median is one of them). */
    static final int CHANGES = 1_001;

    static Row measure(int n, int reps, boolean print) throws Exception {
        RulesetCompiler.Compiled a = RulesetCompiler.compile(farms(n, 10));
        RulesetCompiler.Compiled b = RulesetCompiler.compile(farms(n, 70), a.allocation());
        Table table = a.ruleset().tables().get(0);
        TableRef ref = new TableRef(table.family(), table.name());
        Transaction full = io.nftlb.core.plan.Planner.create(table);
        String text = NftText.render(a.ruleset());
        String sched = Layout.sched(a.allocation().ids("f0").farmId()); // f0's map, shared with n/64 farms
        List<Element> schedA = a.parts().get("f0").elements(sched);
        List<Element> schedB = b.parts().get("f0").elements(sched);
        Transaction toB = Transaction.of(List.of(new Op.DeleteElements(ref, sched, schedA),
                new Op.AddElements(ref, sched, schedB)));
        Transaction toA = Transaction.of(List.of(new Op.DeleteElements(ref, sched, schedB),
                new Op.AddElements(ref, sched, schedA)));
        Path dir = Files.createTempDirectory("nftlb-bench");
        Path fullFile = dir.resolve("full.nft");
        Path toBFile = dir.resolve("toB.nft");
        Path toAFile = dir.resolve("toA.nft");
        Files.writeString(fullFile, text);
        Files.writeString(toBFile, NftText.render(toB));
        Files.writeString(toAFile, NftText.render(toA));

        double[] nlFull = new double[reps];
        double[] nlFullKernel = new double[reps]; // system CPU time of the committing thread
        double[] nlChangeCpu = new double[reps];
        double[] nlChangeKernel = new double[reps]; // system CPU time of the committing thread: the kernel's share
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] nftFull = new double[reps];
        double[] nlChange = new double[reps];
        double[] nftChange = new double[reps];
        // Untimed full commits of this size first, each into a fresh namespace: the JIT compiles the
        // paths a big batch takes (the elements encoded on the helper thread, the large element
        // lists) during these and not during the timed ones, as in a control plane that has been
        // running; a first commit in a cold JVM is what ColdApplyBench measures.
        for (int w = 0; w < FULL_WARMUP; w++) {
            try (NetworkNamespace scratch = NetworkNamespace.create();
                    NetlinkTransport nl = NetlinkTransport.openInNamespace(scratch.name())) {
                nl.commit(full);
            }
        }
        // The two compiled rulesets, the transactions and the texts built above (60 MB at 10,000
        // farms) are long-lived, as a control plane's state is: promote them now. Left young, the
        // collector copies them again at each young collection until they are tenured, and on this
        // VM such a collection paused the timed commits for 100-160 ms (-Xlog:gc).
        System.gc();
        for (int r = 0; r < reps; r++) {
            try (NetworkNamespace viaNl = NetworkNamespace.create(); NetworkNamespace viaNft = NetworkNamespace.create()) {
                try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNl.name())) {
                    long sys0 = cpu.getCurrentThreadCpuTime() - cpu.getCurrentThreadUserTime();
                    long t0 = System.nanoTime();
                    nl.commit(full);
                    nlFull[r] = System.nanoTime() - t0;
                    // the kernel handles a batch in the sender's sendmsg: this thread's system time is its work
                    nlFullKernel[r] = cpu.getCurrentThreadCpuTime() - cpu.getCurrentThreadUserTime() - sys0;
                    // single-element changes, back and forth: CHANGE_WARMUP untimed (so that the JIT has
                    // compiled the encoder, as in a long-running control plane), then the median of CHANGES
                    double[] ch = new double[CHANGES];
                    double[] chCpu = new double[CHANGES]; // CPU time of the thread: encoding and the kernel's work, no waiting
                    long sysTimed = 0;
                    for (int k = -CHANGE_WARMUP; k < ch.length; k++) {
                        if (k == 0) {
                            sysTimed = cpu.getCurrentThreadCpuTime() - cpu.getCurrentThreadUserTime();
                        }
                        long u0 = cpu.getCurrentThreadCpuTime();
                        long c0 = System.nanoTime();
                        nl.commit(Math.floorMod(k, 2) == 0 ? toB : toA); // ends on toB, an odd number of commits after toA
                        long d = System.nanoTime() - c0;
                        if (k >= 0) {
                            ch[k] = d;
                            chCpu[k] = cpu.getCurrentThreadCpuTime() - u0;
                        }
                    }
                    // user time is counted in ticks, so the kernel's share is a mean over all timed changes
                    nlChangeKernel[r] = (double) (cpu.getCurrentThreadCpuTime() - cpu.getCurrentThreadUserTime() - sysTimed)
                            / CHANGES;
                    nl.commit(toA);
                    nlChangeCpu[r] = median(chCpu);
                    if (ch.length % 2 == 0) {
                        throw new AssertionError();
                    }
                    nlChange[r] = median(ch);
                }
                nftFull[r] = nft(viaNft, fullFile);
                double[] ch = new double[6]; // ends on toA, like netlink
                for (int k = 0; k < ch.length; k++) {
                    ch[k] = nft(viaNft, k % 2 == 0 ? toBFile : toAFile);
                }
                nftChange[r] = median(ch);
                if (r == 0 && n <= 1000) {
                    String x = viaNft.listRuleset();
                    String y = viaNl.listRuleset();
                    if (!x.equals(y)) {
                        throw new AssertionError("netlink and nft -f rulesets differ at " + n + " farms");
                    }
                }
            }
        }
        double[] spawn = new double[5];
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            for (int k = 0; k < spawn.length; k++) {
                long t0 = System.nanoTime();
                ns.exec("true").orThrow();
                spawn[k] = System.nanoTime() - t0;
            }
        }
        Row row = new Row(n, median(spawn), full.ops().size(), text.length(), median(nlFull), median(nftFull), median(nlChange),
                median(nftChange));
        if (print) {
            System.out.printf(Locale.ROOT, "%,d farms: full netlink %s (kernel time of the committing thread %s) nft %s;"
                    + " change netlink %s (CPU time %s, of which the kernel's %s) nft %s (per rep: %s / %s)%n",
                    n, time(row.netlinkFull()), time(median(nlFullKernel)), time(row.nftFull()), time(row.netlinkChange()),
                    time(median(nlChangeCpu)), time(median(nlChangeKernel)), time(row.nftChange()), Arrays.toString(ms(nlFull)), Arrays.toString(ms(nftFull)));
        }
        try (var s = Files.list(dir)) {
            s.forEach(p -> p.toFile().delete());
        }
        Files.delete(dir);
        return row;
    }


    static double nft(NetworkNamespace ns, Path file) throws IOException {
        long t0 = System.nanoTime();
        ns.exec(java.time.Duration.ofMinutes(10), "nft", "-f", file.toString()).orThrow();
        return System.nanoTime() - t0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String[] ms(double[] v) {
        String[] out = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = String.format(Locale.ROOT, "%.1fms", v[i] / 1e6);
        }
        return out;
    }

    static String time(double ns) {
        if (ns < 1e6) {
            return String.format(Locale.ROOT, "%.0f µs", ns / 1e3);
        }
        if (ns < 1e9) {
            return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }
}
