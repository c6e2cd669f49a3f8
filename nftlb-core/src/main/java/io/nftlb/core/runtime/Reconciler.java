package io.nftlb.core.runtime;

import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.TableComparison;
import io.nftlb.core.internal.plan.TablePlanner;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the library's tables in the kernel with what the runtime committed, and commits
 * through the transport while keeping track of the ruleset generation at which the two were
 * last known to be the same. A readback costs a dump of each table (its set elements too); the
 * generation, one small netlink round trip, tells when nothing at all has changed in the
 * namespace since, so that a drift check is almost free when no one else touched nftables.
 *
 * <p>The kernel adds exactly 1 to the generation per committed transaction. So a commit of ours
 * that takes it from {@code g} to {@code g + 1} was the only change in between: if the tables
 * were known to be ours at {@code g} (or the commit replaced them), they are at {@code g + 1}.
 *
 * <p>Used by the commit thread only.
 */
final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancer.class);

    /** No generation: the tables must be read back before they are trusted. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Transport transport;
    private final boolean tracking;
    private long verified = UNKNOWN;

    /** A table the kernel does not have as committed, and what differs. */
    record Drift(Table expected, List<String> differences, Optional<Table> expectedAsRead) {
        Drift(Table expected, List<String> differences) {
            this(expected, differences, Optional.empty());
        }
    }

    /** @param tracking whether to read generations around commits (only drift checks need them) */
    Reconciler(Transport transport, boolean tracking) {
        this.transport = transport;
        this.tracking = tracking;
    }

    /**
     * Commits {@code tx}.
     *
     * @param replacesTables whether the transaction replaces every table that was not known to
     *     be ours (start-up, repair)
     */
    void commit(Transaction tx, boolean replacesTables) {
        if (!tracking) {
            transport.commit(tx);
            return;
        }
        long before = transport.generation();
        boolean known = replacesTables || before == verified;
        verified = UNKNOWN;
        transport.commit(tx);
        long after = transport.generation();
        if (known && after == before + 1) {
            verified = after;
        }
    }

    /** Whether nothing changed in the namespace's ruleset since the tables were last known to be ours. */
    boolean unchanged() {
        return verified != UNKNOWN && transport.generation() == verified;
    }

    /** {@link #drifts} of one table, as lines. */
    List<String> differences(Table expected) {
        return drifts(List.of(expected)).stream().flatMap(d -> d.differences().stream()).toList();
    }

    /**
     * Reads each table back and compares it with what is expected: none if all are the same (and
     * then remembered as ours at the generation read before the readback), else one per table
     * that differs. The inet table's lines name what differs in it; those of another table
     * start with the table (e.g. {@code table netdev nftlb: set bl-v4: 1 element(s) missing}).
     *
     * @throws UnsupportedOperationException if the transport cannot read tables back
     */
    List<Drift> drifts(List<Table> expected) {
        return drifts(expected, read(expected.stream().map(t -> new TableRef(t.family(), t.name())).toList()));
    }

    /**
     * The library's tables as the kernel had them at one generation: each read back, or
     * {@link Optional#empty()} if absent, or an error text if it could not be decoded (something
     * this library would not have made, e.g. a set declared by hand).
     */
    record Snapshot(long generation, Map<TableRef, Optional<Table>> tables, Map<TableRef, String> unreadable) {
        /** The table as read, if it was there and could be read. */
        Optional<Table> table(TableRef ref) {
            return tables.getOrDefault(ref, Optional.empty());
        }
    }

    /**
     * Reads the tables back (the generation first).
     *
     * @throws UnsupportedOperationException if the transport cannot read tables back
     */
    Snapshot read(List<TableRef> refs) {
        long generation = tracking ? transport.generation() : UNKNOWN;
        Map<TableRef, Optional<Table>> tables = new HashMap<>();
        Map<TableRef, String> unreadable = new HashMap<>();
        for (TableRef ref : refs) {
            try {
                tables.put(ref, transport.read(ref));
            } catch (UnsupportedOperationException e) {
                throw e;
            } catch (RuntimeException e) {
                unreadable.put(ref, String.valueOf(e.getMessage()));
            }
        }
        return new Snapshot(generation, tables, unreadable);
    }

    /**
     * How to take one of the library's tables from what {@code kernel} has to {@code desired}.
     *
     * @param ops      the operations
     * @param replaces whether they replace the table (then the result is known to be ours
     *                 whatever else changed since the snapshot; a diff is only as good as the snapshot)
     * @param switched the tables (as desired) that {@code ops} replace while the kernel has them
     *                 serving: committed by {@link TableHandover}, next to a stand-in
     */
    record Convergence(List<Op> ops, boolean replaces, List<Table> switched) {
        Convergence(List<Op> ops, boolean replaces) {
            this(ops, replaces, List.of());
        }
    }

    /**
     * One transaction's operations that put back every drifted table: for each, a diff from the
     * kernel's table if it was read and can be joined by one (see {@link TablePlanner#converge}),
     * else a replacement of the table (beside a stand-in if the kernel has the table: see
     * {@link io.nftlb.core.internal.plan.TableSwitch}). Without a snapshot (a transport that
     * cannot read back), every table is replaced.
     */
    Convergence converge(Optional<Snapshot> kernel, List<Drift> drifts) {
        List<Op> ops = new ArrayList<>();
        List<Table> switched = new ArrayList<>();
        boolean replaces = true;
        for (Drift d : drifts) {
            Convergence c = converge(kernel, d);
            log.debug("table {} {}: {} operation(s)", d.expected().family().keyword() + " " + d.expected().name(),
                    c.replaces() ? "made anew" : "patched by a diff", c.ops().size());
            ops.addAll(c.ops());
            switched.addAll(c.switched());
            replaces &= c.replaces();
        }
        return new Convergence(ops, replaces, switched);
    }

    private Convergence converge(Optional<Snapshot> kernel, Drift drift) {
        Table desired = drift.expected();
        TableRef ref = new TableRef(desired.family(), desired.name());
        Optional<Table> current = kernel.flatMap(k -> k.table(ref));
        if (current.isPresent()) {
            Table asRead = drift.expectedAsRead().orElseGet(() -> transport.readForm(desired));
            Optional<Transaction> diff = TablePlanner.converge(current.get(), desired, asRead);
            if (diff.isPresent()) {
                return new Convergence(diff.get().ops(), false);
            }
            log.warn("table {} in the kernel is declared differently (another release?): replacing it", ref);
        }
        boolean serving = current.isPresent() || kernel.map(k -> k.unreadable().containsKey(ref)).orElse(false);
        return new Convergence(Planner.create(desired).ops(), true, serving ? List.of(desired) : List.of());
    }

    /** {@link #drifts(List)} against tables already read: each expected table that {@code kernel} does not have. */
    List<Drift> drifts(List<Table> expected, Snapshot kernel) {
        List<Drift> drifts = new ArrayList<>();
        for (Table table : expected) {
            Drift d = compare(table, new TableRef(table.family(), table.name()), kernel);
            if (!d.differences().isEmpty()) {
                drifts.add(d);
            }
        }
        if (drifts.isEmpty()) {
            verified = kernel.generation();
        }
        return drifts;
    }

    /** How the kernel's table differs from {@code expected} (none: the same), with the read form made for it. */
    private Drift compare(Table expected, TableRef ref, Snapshot kernel) {
        String prefix = ref.equals(Layout.TABLE) ? "" : "table " + ref + ": ";
        String unreadable = kernel.unreadable().get(ref);
        Table expectedForm;
        try {
            expectedForm = unreadable == null ? transport.readForm(expected) : null;
        } catch (RuntimeException e) {
            unreadable = String.valueOf(e.getMessage());
            expectedForm = null;
        }
        if (unreadable != null) {
            // Not known to be ours, so it is put back.
            return new Drift(expected, List.of("table " + ref + " cannot be read back and compared: " + unreadable));
        }
        Optional<Table> actual = kernel.table(ref);
        if (actual.isEmpty()) {
            return new Drift(expected, List.of("table " + ref + " is missing"), Optional.of(expectedForm));
        }
        return new Drift(expected, TableComparison.differences(expectedForm, actual.get()).stream()
                .map(line -> prefix + line).toList(), Optional.of(expectedForm));
    }
}
