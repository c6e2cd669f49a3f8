package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the kernel to what a load balancer opens with, in the caller's thread. It converges
 * rather than replaces: the library's tables are read back first, farms and backends found there
 * get the ids and marks they have (see {@link BackendIdentity}; ingress farms keep their slot
 * slices), and one transaction changes only what differs, so live connections keep their
 * backend, and a new connection finds a complete table at every instant. A table that is
 * already exactly what is asked for is adopted as it is (nothing is committed for it:
 * round-robin positions and learnt client MACs carry on). Only a table that cannot be joined by
 * a diff (missing, unreadable, or declared differently, as by another release) is replaced,
 * beside a stand-in if it serves ({@link TableHandover}). Nothing outside these tables and their
 * stand-ins is touched.
 */
final class StartUp {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    private StartUp() {}

    /**
     * Commits the start-up transaction, if one is needed, and records it in {@code state}, which
     * already holds the policies and paths to start with; the farms are submitted here.
     *
     * @param driftChecks whether drift checks were asked for (they need a transport that reads back)
     * @throws IllegalArgumentException if a farm is invalid, or drift checks were asked of a
     *     transport that cannot read tables back; nothing reached the kernel then
     * @throws io.nftlb.core.transport.TransportException if the kernel refused the transaction
     */
    static void converge(Transport transport, Reconciler reconciler, Listeners listeners, State state,
                         List<Farm> farms, boolean driftChecks) {
        long began = System.nanoTime();
        Optional<Reconciler.Snapshot> kernel;
        try {
            kernel = Optional.of(reconciler.read(List.of(Layout.TABLE, PolicyCompiler.TABLE)));
            TableHandover.deleteLeftovers(reconciler, List.of(Layout.TABLE, PolicyCompiler.TABLE));
        } catch (UnsupportedOperationException e) {
            if (driftChecks) {
                throw new IllegalArgumentException("driftCheck: transport " + transport
                        + " cannot read tables back (" + e.getMessage() + ")", e);
            }
            kernel = Optional.empty();
        }
        BackendIdentity.Recovered found = kernel.flatMap(k -> k.table(Layout.TABLE)).map(BackendIdentity::recover)
                .orElse(BackendIdentity.Recovered.none());
        Optional<Table> netdev = kernel.flatMap(k -> k.table(PolicyCompiler.TABLE));
        state.recover(netdev.map(found::withIngress).orElse(found)); // ingress farms keep their slot slices
        CompletableFuture<Void> unused = new CompletableFuture<>();
        for (Farm farm : farms) {
            state.submit(List.of(new Change(new Edit.OfFarm(farm.name(), current -> Optional.of(farm)), unused)));
        }
        Batch batch = state.startBatch();
        Table desired = batch.after().table(batch.farms().values().stream()
                .map(u -> u.entry().orElseThrow().part()).filter(Objects::nonNull).toList());
        boolean ingress = !batch.ingress().ops().isEmpty(); // the netdev table is wanted
        List<Table> expected = ingress ? List.of(desired, batch.ingress().desiredTable()) : List.of(desired);
        List<Reconciler.Drift> drifts = kernel.map(k -> reconciler.drifts(expected, k)).orElseGet(() -> expected
                .stream().map(t -> new Reconciler.Drift(t, List.of("the transport cannot read it back"))).toList());
        logAdoptions(drifts, desired, ingress, farms.size());
        if (!drifts.isEmpty()) {
            log.debug("converging: {}", drifts.stream().flatMap(d -> d.differences().stream()).toList());
            Reconciler.Convergence convergence = reconciler.converge(kernel, drifts);
            log.info("start-up: {} the kernel's tables, {} operation(s)",
                    convergence.replaces() ? "made anew" : "patched", convergence.ops().size());
            Transaction startUp = Transaction.of(convergence.ops());
            long sent = System.nanoTime();
            TableHandover.commit(reconciler, convergence.switched(),
                    () -> reconciler.commit(startUp, convergence.replaces()));
            long acked = System.nanoTime();
            listeners.transaction(new CommitReport(CommitReport.Cause.START_UP, startUp, 0,
                    Duration.ofNanos(acked - began), Duration.ofNanos(acked - sent), Optional.empty()));
        }
        state.finish(batch);
        state.endRecovery();
    }

    /** Each drift names the expected table it is about: the inet one is {@code desired}, any other the netdev one. */
    private static void logAdoptions(List<Reconciler.Drift> drifts, Table desired, boolean ingress, int farms) {
        if (drifts.stream().noneMatch(d -> d.expected() == desired)) {
            log.info("adopted table {} as the kernel has it: it already holds the {} farm(s) asked for",
                    Layout.TABLE, farms);
        }
        if (ingress && drifts.stream().allMatch(d -> d.expected() == desired)) {
            log.info("adopted table {} as the kernel has it: it already holds the policies and paths asked for",
                    PolicyCompiler.TABLE);
        }
    }
}
