package io.nftlb.core.compile;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.render.NftText;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Maglev numbers of docs/maglev.md (a program, not a test): Maglev table build time at 65,537 slots, and
 * the size of the transaction when one backend of 100 goes down. Results in docs/maglev.md.
 *
 * <pre>java -cp nftlb-core/target/classes:nftlb-core/target/test-classes:CLASSPATH io.nftlb.core.compile.MaglevBenchmark [--kernel]</pre>
 * ({@code --kernel}, as root: also times {@code nft -f} of the transaction in a fresh namespace.)
 */
public final class MaglevBenchmark {

    private MaglevBenchmark() {}

    public static void main(String[] args) {
        for (Scheduler.Maglev.Fill fill : Scheduler.Maglev.Fill.values()) {
            for (int n : new int[] {100, 1000}) {
                buildTime(n, false, fill);
                buildTime(n, true, fill);
            }
        }
        for (Scheduler.Maglev.Fill fill : Scheduler.Maglev.Fill.values()) {
            disruption(fill, false);
            disruption(fill, true);
        }
        transaction(100, List.of(args).contains("--kernel"));
    }

    /**
     * How many slots beyond the removed backend's share move when one backend is removed: for
     * every N in 2..100, 3 name sets, 3 removed backends each (weights 1..100 when weighted).
     */
    private static void disruption(Scheduler.Maglev.Fill fill, boolean weighted) {
        java.util.Random random = new java.util.Random(7);
        int m = Scheduler.Maglev.MAX_TABLE_SIZE;
        double[] worst = new double[3]; // N 2..9, 10..29, 30..100
        double sum = 0;
        int cases = 0;
        for (int n = 2; n <= 100; n++) {
            for (int set = 0; set < 3; set++) {
                int salt = random.nextInt(1_000_000);
                List<String> names = IntStream.range(0, n).mapToObj(i -> "s" + salt + "-b" + i).toList();
                List<Integer> weights = IntStream.range(0, n).mapToObj(i -> weighted ? 1 + random.nextInt(100) : 1).toList();
                int[] before = MaglevTable.build(names, weights, m, fill);
                long total = weights.stream().mapToLong(Integer::longValue).sum();
                for (int k = 0; k < 3; k++) {
                    int removed = random.nextInt(n);
                    List<String> rest = new java.util.ArrayList<>(names);
                    rest.remove(removed);
                    List<Integer> restWeights = new java.util.ArrayList<>(weights);
                    restWeights.remove(removed);
                    int[] after = MaglevTable.build(rest, restWeights, m, fill);
                    int moved = 0;
                    for (int s = 0; s < m; s++) {
                        if (!names.get(before[s]).equals(rest.get(after[s]))) {
                            moved++;
                        }
                    }
                    double excess = (double) moved / m - (double) weights.get(removed) / total;
                    int bucket = n < 10 ? 0 : n < 30 ? 1 : 2;
                    worst[bucket] = Math.max(worst[bucket], excess);
                    sum += excess;
                    cases++;
                }
            }
        }
        System.out.printf("remove 1 of N, %-18s %-8s excess beyond its share: worst %.2f%% (N 2-9), %.2f%% (N 10-29),"
                + " %.2f%% (N 30-100); mean %.2f%% over %d cases%n", fill, weighted ? "weighted" : "equal",
                100 * worst[0], 100 * worst[1], 100 * worst[2], 100 * sum / cases, cases);
    }

    private static void buildTime(int n, boolean weighted, Scheduler.Maglev.Fill fill) {
        List<String> names = IntStream.range(0, n).mapToObj(i -> "backend-" + i).toList();
        List<Integer> weights = IntStream.range(0, n).map(i -> weighted ? 1 + (i * 37) % 100 : 1).boxed().toList();
        for (int i = 0; i < 5; i++) {
            MaglevTable.build(names, weights, Scheduler.Maglev.MAX_TABLE_SIZE, fill); // warm up the JIT
        }
        long[] nanos = new long[15];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            MaglevTable.build(names, weights, Scheduler.Maglev.MAX_TABLE_SIZE, fill);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf("build 65537 slots, %-18s %4d backends, %-8s median %6.2f ms, min %6.2f ms, max %6.2f ms%n",
                fill, n, weighted ? "weighted" : "equal", nanos[nanos.length / 2] / 1e6, nanos[0] / 1e6,
                nanos[nanos.length - 1] / 1e6);
    }

    private static void transaction(int n, boolean kernel) {
        Farm before = Farm.dnat("10.0.0.40").port(80).named("mag").scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS))
                .backends(IntStream.range(0, n).mapToObj(i -> Backend.of("b" + i, "10.1." + (i / 250) + "." + (1 + i % 250)))
                        .toList());
        Farm after = before.backend("b42", b -> b.state(BackendState.DOWN));
        RulesetCompiler.Compiled c1 = RulesetCompiler.compile(List.of(before));
        long t0 = System.nanoTime();
        RulesetCompiler.Compiled c2 = RulesetCompiler.compile(List.of(after), c1.allocation());
        long compile = System.nanoTime() - t0;
        MaglevSlots.Diff diff = MaglevSlots.diff(c1.parts().get("mag").elements(MaglevSlots.MAP4),
                c2.parts().get("mag").elements(MaglevSlots.MAP4));
        String text = NftText.render(diff.transaction(MaglevSlots.MAP4));
        System.out.printf("1 of %d backends down: %d slots move (%.2f%% of 65537; its share %.2f%%), transaction"
                        + " %d element deletions + %d additions, %d bytes of nft text; recompile %.1f ms%n", n,
                diff.deleted().size(), 100.0 * diff.deleted().size() / 65537, 100.0 / n, diff.deleted().size(),
                diff.added().size(), text.length(), compile / 1e6);
        if (kernel) {
            // Root only: how long nft -f takes to apply that transaction to a loaded table.
            try (io.nftlb.testkit.NetworkNamespace ns = io.nftlb.testkit.NetworkNamespace.create()) {
                long l0 = System.nanoTime();
                ns.nft(NftText.render(c1.ruleset()));
                long load = System.nanoTime() - l0;
                long a0 = System.nanoTime();
                ns.nft(text);
                long apply = System.nanoTime() - a0;
                System.out.printf("nft -f: load the 100-backend ruleset %.0f ms; apply the transaction %.0f ms%n",
                        load / 1e6, apply / 1e6);
            }
        }
    }
}
