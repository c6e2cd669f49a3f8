package io.nftlb.netlink.bench;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cold start of docs/benchmarks/runtime.md: a {@link LoadBalancer} over {@link NetlinkTransport}, freshly opened in
 * an empty namespace, is given N farms of 4 weighted backends ({@link NetlinkBench#farms}) with
 * one {@code apply} each, and the time runs until every future has completed (the farms are in
 * the kernel). Also reported: how long the calls themselves took (validation and queueing in
 * the caller's thread), how many transactions the commit thread made of them, and how many
 * operations they had.
 *
 * <p>Run as root from the repository root: {@code nftlb-netlink/bench.sh apply 5 10000}
 * (repetitions, then farm counts).
 */
public final class ColdApplyBench {

    private ColdApplyBench() {}

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
        double[] total = new double[reps];
        double[] calls = new double[reps];
        int[] commits = new int[reps];
        long[] ops = new long[reps];
        for (int r = 0; r < reps; r++) {
            AtomicInteger transactions = new AtomicInteger();
            AtomicLong operations = new AtomicLong();
            CommitListener count = new CommitListener() {
                @Override
                public void committed(Transaction t) {
                    transactions.incrementAndGet();
                    operations.addAndGet(t.ops().size());
                }
            };
            try (NetworkNamespace ns = NetworkNamespace.create();
                 LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                         .listener(count).open()) {
                transactions.set(0); // not the start-up transaction
                operations.set(0);
                List<CompletableFuture<Void>> done = new ArrayList<>(n);
                long t0 = System.nanoTime();
                for (Farm f : farms) {
                    done.add(lb.apply(f));
                }
                long t1 = System.nanoTime();
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
                long t2 = System.nanoTime();
                total[r] = t2 - t0;
                calls[r] = t1 - t0;
                commits[r] = transactions.get();
                ops[r] = operations.get();
                if (print && r == 0) {
                    // every farm's rule is in the kernel: in a shard chain, guarded by its address, or in its own chain
                    String listed = ns.exec(java.time.Duration.ofMinutes(5), "nft", "list", "table", "inet", "nftlb")
                            .orThrow().stdout();
                    long rules = listed.lines().filter(l -> l.contains("ct mark set numgen")).count();
                    if (rules != n) {
                        throw new AssertionError(n + " farms applied but the kernel has " + rules + " farm rules");
                    }
                }
            }
        }
        if (print) {
            System.out.printf(Locale.ROOT, "%,d farms x 4 backends, cold apply over netlink: median %s "
                            + "(apply calls %s); per rep: %s; transactions %s; operations %s%n",
                    n, NetlinkBench.time(NetlinkBench.median(total)), NetlinkBench.time(NetlinkBench.median(calls)),
                    Arrays.toString(NetlinkBench.ms(total)), Arrays.toString(commits), Arrays.toString(ops));
        }
    }
}
