package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every configuration the daemon takes (at start-up, or a request) reaches the kernel as one transaction. */
@RequiresNetns
class DaemonTransactionsIT {

    @Test
    void aChangeOfSeveralFarmsIsOneTransaction(NetworkNamespace ns) {
        Counting kernel = new Counting(NetlinkTransport.openInNamespace(ns.name()));
        try (Daemon daemon = Daemon.start(kernel, ConfigMapper.parse("""
                {"farms": [{"name": "a", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat",
                            "backends": [{"name": "a0", "ip-addr": "10.1.0.10"}]},
                           {"name": "b", "virtual-addr": "10.0.0.41", "virtual-ports": "80", "mode": "dnat",
                            "backends": [{"name": "b0", "ip-addr": "10.1.0.11", "weight": "5"}]}]}"""))) {
            assertEquals(1, kernel.commits.get(), "the start-up table with both farms: one transaction");
            // One request: farm c takes over a's address (a goes in the same transaction), b's weight changes.
            daemon.change(config -> {
                ConfigEdits.remove(config, "farms", "name", "a");
                ConfigEdits.merge(config, ConfigMapper.parse("""
                        {"farms": [{"name": "c", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat",
                                    "backends": [{"name": "c0", "ip-addr": "10.1.0.12"}]},
                                   {"name": "b", "backends": [{"name": "b0", "weight": "7"}]}]}"""));
            });
            assertEquals(2, kernel.commits.get(), "the request was one transaction");
            assertEquals(List.of("b", "c"), daemon.farms().stream().map(f -> f.name()).sorted().toList());
            assertEquals(7, daemon.farms().stream().filter(f -> f.name().equals("b")).findFirst().orElseThrow()
                    .backend("b0").orElseThrow().weight());
            String ruleset = ns.listRuleset();
            assertTrue(ruleset.contains("10.1.0.12") && !ruleset.contains("10.1.0.10"), ruleset);
        }
    }

    /** Counts the transactions the kernel applied. */
    private static final class Counting implements Transport {
        final Transport delegate;
        final AtomicInteger commits = new AtomicInteger();

        Counting(Transport delegate) {
            this.delegate = delegate;
        }

        @Override
        public void commit(Transaction transaction) {
            delegate.commit(transaction);
            commits.incrementAndGet();
        }

        @Override
        public Optional<Table> read(TableRef table) {
            return delegate.read(table);
        }

        @Override
        public long generation() {
            return delegate.generation();
        }

        @Override
        public Table readForm(Table table) {
            return delegate.readForm(table);
        }

        @Override
        public Optional<ConnectionTable> connections() {
            return delegate.connections();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
