package io.nftlb.netlink.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a control plane's start-up costs when the kernel already holds its table: N farms of 4
 * weighted backends ({@link NetlinkBench#farms}) are loaded by a first {@link LoadBalancer} (a
 * cold start over an empty namespace, timed as the baseline), which is closed; then a new one is
 * opened over the same kernel with the same farms (readback and comparison, nothing committed)
 * and with farms of which a few differ (weights of 5 farms changed, a backend added to one:
 * readback, diff and a small commit). Each time runs from the builder's {@code open()} to its
 * return.
 *
 * <p>Run as root from the repository root: {@code nftlb-netlink/bench.sh startup 5 10000}
 * (repetitions, then farm counts).
 */
public final class StartUpBench {

    private StartUpBench() {}

    public static void main(String[] args) throws Exception {
        int reps = NetlinkBench.repetitions(args);
        List<Integer> sizes = NetlinkBench.sizes(args, List.of(10_000));
        run(1_000, 1, false); // warm up the JIT (not reported)
        for (int n : sizes) {
            run(n, reps, true);
        }
    }

    static void run(int n, int reps, boolean print) throws Exception {
        List<Farm> farms = NetlinkBench.farms(n, 10);
        List<Farm> fewDiffer = new ArrayList<>(farms);
        for (int i = 1; i <= 5; i++) {
            Farm f = fewDiffer.get(i * (n / 6));
            fewDiffer.set(i * (n / 6), f.backend("b0", b -> b.weight(b.weight() + 1)));
        }
        fewDiffer.set(0, fewDiffer.get(0).backend(Backend.of("b4", "10.3.0.99").weight(5)));
        System.gc(); // the farm lists live through the run: promote them before anything is timed
        double[] cold = new double[reps];
        double[] same = new double[reps];
        double[] differ = new double[reps];
        long[] ops = new long[reps];
        for (int r = 0; r < reps; r++) {
            try (NetworkNamespace ns = NetworkNamespace.create()) {
                cold[r] = open(ns, farms, null);
                same[r] = open(ns, farms, null);
                AtomicLong operations = new AtomicLong();
                differ[r] = open(ns, fewDiffer, new CommitListener() {
                    @Override
                    public void committed(Transaction t) {
                        operations.addAndGet(t.ops().size());
                    }
                });
                ops[r] = operations.get();
            }
        }
        if (print) {
            double c = NetlinkBench.median(cold);
            double s = NetlinkBench.median(same);
            double d = NetlinkBench.median(differ);
            System.out.printf(Locale.ROOT, "%,d farms x 4 backends, start-up over netlink, medians of %d: "
                            + "cold (empty kernel) %s; same farms (readback, nothing committed) %s = %.2fx cold; "
                            + "6 farms differ (readback, diff, commit of %s ops) %s = %.2fx cold%n"
                            + "  per rep: cold %s; same %s; differ %s%n",
                    n, reps, NetlinkBench.time(c), NetlinkBench.time(s), s / c, Arrays.toString(ops),
                    NetlinkBench.time(d), d / c, Arrays.toString(NetlinkBench.ms(cold)),
                    Arrays.toString(NetlinkBench.ms(same)), Arrays.toString(NetlinkBench.ms(differ)));
        }
    }

    /** Opens a load balancer with these farms over the namespace's kernel; returns how long open() took. */
    private static double open(NetworkNamespace ns, List<Farm> farms, CommitListener listener) {
        NetlinkTransport transport = NetlinkTransport.openInNamespace(ns.name());
        LoadBalancer.Builder b = LoadBalancer.builder(transport).farms(farms);
        if (listener != null) {
            b.listener(listener);
        }
        long t0 = System.nanoTime();
        LoadBalancer lb = b.open();
        long t1 = System.nanoTime();
        lb.close();
        return t1 - t0;
    }
}
