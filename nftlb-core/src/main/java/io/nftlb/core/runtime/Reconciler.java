package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.plan.TableComparison;
import io.nftlb.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** No generation: the tables must be read back before they are trusted. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Transport transport;
    private final boolean tracking;
    private long verified = UNKNOWN;

    /** A table the kernel does not have as committed, and what differs. */
    record Drift(Table expected, List<String> differences) {}

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
        long generation = tracking ? transport.generation() : UNKNOWN;
        List<Drift> drifts = new ArrayList<>();
        for (Table table : expected) {
            List<String> found = differences(table, new TableRef(table.family(), table.name()));
            if (!found.isEmpty()) {
                drifts.add(new Drift(table, found));
            }
        }
        if (drifts.isEmpty()) {
            verified = generation;
        }
        return drifts;
    }

    private List<String> differences(Table expected, TableRef ref) {
        String prefix = ref.equals(Layout.TABLE) ? "" : "table " + ref + ": ";
        Optional<Table> actual;
        Table expectedForm;
        try {
            actual = transport.read(ref);
            expectedForm = transport.readForm(expected);
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (RuntimeException e) {
            // Something this library would not have made (e.g. a set declared by hand), or a
            // form it cannot compare: not known to be ours, so it is put back.
            return List.of("table " + ref + " cannot be read back and compared: " + e.getMessage());
        }
        if (actual.isEmpty()) {
            return List.of("table " + ref + " is missing");
        }
        return TableComparison.differences(expectedForm, actual.get()).stream().map(line -> prefix + line).toList();
    }
}
