package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Table;
import io.nftlb.core.transport.Op;
import io.nftlb.core.transport.TableRef;
import io.nftlb.core.transport.Transaction;
import io.nftlb.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The policies runtime: element-only transactions, and nothing sent for bad input or kept after a refusal. */
class PoliciesTest {

    /** Records transactions; refuses the next one when told to. */
    static final class Recorder implements Transport {
        final List<Transaction> committed = new ArrayList<>();
        RuntimeException refuseNext;

        @Override
        public void commit(Transaction tx) {
            if (refuseNext != null) {
                RuntimeException e = refuseNext;
                refuseNext = null;
                throw e;
            }
            committed.add(tx);
        }

        @Override
        public Optional<Table> read(TableRef table) {
            return Optional.empty();
        }

        @Override
        public long generation() {
            return committed.size();
        }

        @Override
        public void close() {}

        List<String> last() {
            return committed.get(committed.size() - 1).ops().stream().map(Op::describe).toList();
        }
    }

    final List<Farm> farms = new CopyOnWriteArrayList<>(List.of(
            Farm.dnat("10.0.0.40").port(80).named("web").roundRobin(Backend.at("10.1.0.10"))));

    @Test
    void networkChangesAreElementOnlyTransactions() {
        Recorder r = new Recorder();
        try (Policies p = Policies.open(r, () -> farms)) {
            p.apply(Policy.blacklist("bad").networks("192.0.2.0/24"));
            int before = r.committed.size();
            p.addNetworks("bad", "198.51.100.7", "2001:db8::/32");
            assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)",
                    "add element netdev nftlb policy6-bad (1 elements)"), r.last());
            p.removeNetworks("bad", "192.0.2.0/24");
            assertEquals(List.of("delete element netdev nftlb policy4-bad (1 elements)"), r.last());
            farms.add(Farm.dnat("10.0.0.41").port(443).named("api").roundRobin(Backend.at("10.1.0.11")));
            p.farmsChanged();
            assertEquals(List.of("add element netdev nftlb policy4-bad-farms (1 elements)"), r.last());
            assertEquals(before + 3, r.committed.size(), "one transaction per call");
            assertEquals("[198.51.100.7, 2001:db8::/32]", p.policies().get(0).networks().toString());
        }
    }

    @Test
    void badInputSendsNothing() {
        Recorder r = new Recorder();
        try (Policies p = Policies.open(r, () -> farms)) {
            p.apply(Policy.blacklist("bad").networks("192.0.2.0/24"));
            int before = r.committed.size();
            assertEquals("policy \"bad\": network 192.0.2.9 overlaps 192.0.2.0/24",
                    assertThrows(InvalidFarmException.class, () -> p.addNetworks("bad", "192.0.2.9")).getMessage());
            assertEquals("policy \"bad\": has no network 10.0.0.1",
                    assertThrows(InvalidFarmException.class, () -> p.removeNetworks("bad", "10.0.0.1")).getMessage());
            assertEquals("policy \"nope\" does not exist",
                    assertThrows(IllegalArgumentException.class, () -> p.addNetworks("nope", "10.0.0.1")).getMessage());
            assertEquals(before, r.committed.size(), "transactions sent for bad input");
        }
    }

    @Test
    void aRefusedCommitChangesNothing() {
        Recorder r = new Recorder();
        try (Policies p = Policies.open(r, () -> farms)) {
            p.apply(Policy.blacklist("bad").networks("192.0.2.0/24"));
            r.refuseNext = new IllegalStateException("refused");
            assertThrows(IllegalStateException.class, () -> p.addNetworks("bad", "198.51.100.7"));
            assertEquals("[192.0.2.0/24]", p.policies().get(0).networks().toString());
            p.addNetworks("bad", "198.51.100.7"); // and the same change goes through afterwards
            assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)"), r.last());
        }
    }
}
