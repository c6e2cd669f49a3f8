package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.Transport;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * How long planning one backend's weight change takes with 1, 1,000 and 10,000 farms loaded,
 * and how much heap the runtime keeps per farm. A program, not a test (no timing is ever
 * asserted); it lives in the test sources so that it stays out of the library jar. Run from
 * the repository root:
 *
 * <pre>
 * mvn -B -q -o -pl nftlb-testkit,nftlb-core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test &amp;&amp; \
 * java -cp nftlb-core/target/test-classes:nftlb-core/target/classes:$(cat nftlb-core/target/test-classpath.txt) \
 *     io.nftlb.core.runtime.PlanningBenchmark
 * </pre>
 *
 * Columns: "plan" is the runtime's own work for one {@code setWeight}: apply the edit, compile
 * the one farm, plan the transaction, record it as committed (one thread, no kernel).
 * "end-to-end" is {@code lb.setWeight(...).join()} through a transport that does nothing:
 * plan plus the hand-offs to the commit thread and back. "full recompile" is the path without
 * the runtime: {@link RulesetCompiler#compile} of every farm, then {@link Planner#diff} of the
 * two compiled rulesets.
 */
public final class PlanningBenchmark {

    static final int BACKENDS = 4;

    public static void main(String[] args) {
        int[] sizes = {1, 1_000, 10_000};
        System.out.printf("one weight change (farms of %d weighted backends; times in microseconds)%n", BACKENDS);
        System.out.printf("%8s | %17s | %4s | %17s | %22s%n", "farms", "plan p50 / p99", "ops", "end-to-end p50/p99",
                "full recompile p50");
        System.out.println("-".repeat(82));
        for (int n : sizes) {
            double[] plan = planOnly(n, 20_000, 20_000);
            double[] e2e = endToEnd(n, 5_000, 10_000);
            double full = fullRecompile(n);
            System.out.printf("%,8d | %7.1f / %7.1f | %4d | %7.1f / %7.1f | %,20.0f%n", n, plan[0], plan[1],
                    (int) plan[2], e2e[0], e2e[1], full);
        }
        System.out.println();
        heapPerFarm(10_000);
    }

    static Farm farm(int i) {
        List<Backend> backends = new ArrayList<>();
        for (int j = 0; j < BACKENDS; j++) {
            backends.add(Backend.of("b" + j, "10.1." + (i / 250) + "." + (j + 10)).weight(10 * (j + 1)));
        }
        return Farm.dnat("10.0." + (i / 250) + "." + (i % 250 + 1)).port(80).named("f" + i).weighted(
                backends.toArray(Backend[]::new));
    }

    /** p50, p99 (µs) of the runtime's own work for one weight change, and the op count. */
    static double[] planOnly(int farms, int warmup, int runs) {
        State state = new State();
        for (int i = 0; i < farms; i++) {
            Farm f = farm(i);
            state.submit(List.of(new Change(new Edit.OfFarm(f.name(), c -> Optional.of(f)), new CompletableFuture<>())));
        }
        Batch load = state.startBatch();
        SkeletonPlanner.diff(load.before(), load.after(), load.farmChanges(), load.shards());
        state.finish(load);
        Random random = new Random(1);
        long[] times = new long[runs];
        int ops = 0;
        for (int k = -warmup; k < runs; k++) {
            String name = "f" + random.nextInt(farms);
            int weight = 1 + random.nextInt(1000);
            long t0 = System.nanoTime();
            state.submit(List.of(new Change(new Edit.OfFarm(name,
                    c -> Optional.of(c.orElseThrow().backend("b1", b -> b.weight(weight)))), new CompletableFuture<>())));
            Batch batch = state.startBatch();
            Transaction tx = SkeletonPlanner.diff(batch.before(), batch.after(), batch.farmChanges(), batch.shards());
            state.finish(batch);
            long t1 = System.nanoTime();
            if (k >= 0) {
                times[k] = t1 - t0;
                ops = Math.max(ops, tx.ops().size());
            }
        }
        return new double[] {percentile(times, 50), percentile(times, 99), ops};
    }

    /** p50, p99 (µs) of {@code setWeight(...).join()} through a transport that does nothing. */
    static double[] endToEnd(int farms, int warmup, int runs) {
        try (LoadBalancer lb = LoadBalancer.builder(new NullTransport()).coalesce(Duration.ZERO).open()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < farms; i++) {
                all.add(lb.apply(farm(i)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            Random random = new Random(2);
            long[] times = new long[runs];
            for (int k = -warmup; k < runs; k++) {
                String name = "f" + random.nextInt(farms);
                long t0 = System.nanoTime();
                lb.setWeight(name, "b1", 1 + random.nextInt(1000)).join();
                long t1 = System.nanoTime();
                if (k >= 0) {
                    times[k] = t1 - t0;
                }
            }
            return new double[] {percentile(times, 50), percentile(times, 99)};
        }
    }

    /** p50 (µs) of recompiling every farm and diffing the two compiled rulesets. */
    static double fullRecompile(int farms) {
        List<Farm> list = new ArrayList<>();
        for (int i = 0; i < farms; i++) {
            list.add(farm(i));
        }
        RulesetCompiler.Compiled current = RulesetCompiler.compile(list);
        int runs = farms >= 10_000 ? 3 : farms >= 1_000 ? 20 : 2_000;
        long[] times = new long[runs];
        Random random = new Random(3);
        for (int k = -Math.min(runs, 5); k < runs; k++) {
            int i = random.nextInt(farms);
            int weight = 1 + random.nextInt(1000);
            list.set(i, list.get(i).backend("b1", b -> b.weight(weight)));
            long t0 = System.nanoTime();
            RulesetCompiler.Compiled next = RulesetCompiler.compile(list, current.allocation());
            Planner.diff(Optional.of(current), next);
            long t1 = System.nanoTime();
            current = next;
            if (k >= 0) {
                times[k] = t1 - t0;
            }
        }
        return percentile(times, 50);
    }

    static void heapPerFarm(int farms) {
        long empty = usedHeap();
        List<Farm> list = new ArrayList<>();
        for (int i = 0; i < farms; i++) {
            list.add(farm(i));
        }
        long withFarms = usedHeap();
        State state = new State();
        for (Farm f : list) {
            state.submit(List.of(new Change(new Edit.OfFarm(f.name(), c -> Optional.of(f)), new CompletableFuture<>())));
        }
        state.finish(state.startBatch());
        long withRuntime = usedHeap();
        System.out.printf("heap per farm (%,d farms of %d backends): %,d bytes in all; of which the Farm value"
                + " %,d, and the runtime's ids, compiled part and indexes %,d%n", farms, BACKENDS,
                (withRuntime - empty) / farms, (withFarms - empty) / farms, (withRuntime - withFarms) / farms);
        if (state.committedFarms().size() != list.size()) {
            throw new AssertionError("not all farms loaded");
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1_000.0;
    }

    /** Accepts every transaction and does nothing: the runtime's own cost only. */
    static final class NullTransport implements Transport {
        @Override
        public void commit(Transaction transaction) {}

        @Override
        public Optional<Table> read(TableRef table) {
            return Optional.empty();
        }

        @Override
        public long generation() {
            return -1;
        }

        @Override
        public void close() {}
    }
}
