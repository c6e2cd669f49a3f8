package io.nftlb.core.runtime;

import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.Layout;
import io.nftlb.core.plan.TableComparison;
import io.nftlb.core.transport.Transaction;
import io.nftlb.core.transport.Transport;
import java.util.List;
import java.util.Optional;

/**
 * Compares the library's table in the kernel with what the runtime committed, and commits
 * through the transport while keeping track of the ruleset generation at which the two were
 * last known to be the same. A readback costs a dump of the whole table (its set elements
 * too); the generation, one small netlink round trip, tells when nothing at all has changed in
 * the namespace since, so that a drift check is almost free when no one else touched nftables.
 *
 * <p>The kernel adds exactly 1 to the generation per committed transaction. So a commit of ours
 * that takes it from {@code g} to {@code g + 1} was the only change in between: if the table was
 * known to be ours at {@code g} (or the commit replaced the whole table), it is at {@code g + 1}.
 *
 * <p>Used by the commit thread only.
 */
final class Reconciler {

    /** No generation: the table must be read back before it is trusted. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Transport transport;
    private final boolean tracking;
    private long verified = UNKNOWN;

    /** @param tracking whether to read generations around commits (only drift checks need them) */
    Reconciler(Transport transport, boolean tracking) {
        this.transport = transport;
        this.tracking = tracking;
    }

    /**
     * Commits {@code tx}.
     *
     * @param replacesTable whether the transaction replaces the whole table (start-up, repair)
     */
    void commit(Transaction tx, boolean replacesTable) {
        if (!tracking) {
            transport.commit(tx);
            return;
        }
        long before = transport.generation();
        boolean known = replacesTable || before == verified;
        verified = UNKNOWN;
        transport.commit(tx);
        long after = transport.generation();
        if (known && after == before + 1) {
            verified = after;
        }
    }

    /** Whether nothing changed in the namespace's ruleset since the table was last known to be ours. */
    boolean unchanged() {
        return verified != UNKNOWN && transport.generation() == verified;
    }

    /**
     * Reads the table back and compares it with {@code expected}: empty if the same (and then
     * remembered as ours at the generation read before the readback), else what differs.
     *
     * @throws UnsupportedOperationException if the transport cannot read tables back
     */
    List<String> differences(Table expected) {
        long generation = tracking ? transport.generation() : UNKNOWN;
        Optional<Table> actual;
        try {
            actual = transport.read(Layout.TABLE);
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (RuntimeException e) {
            // Something this library would not have made (e.g. a set declared by hand): not ours.
            return List.of("table " + Layout.TABLE + " cannot be read back: " + e.getMessage());
        }
        List<String> found = actual.map(t -> TableComparison.differences(transport.readForm(expected), t))
                .orElse(List.of("table " + Layout.TABLE + " is missing"));
        if (found.isEmpty()) {
            verified = generation;
        }
        return found;
    }
}
