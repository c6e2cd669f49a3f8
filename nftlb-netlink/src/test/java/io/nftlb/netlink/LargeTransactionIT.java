package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule the load balancer documents for large transactions: never split. 150,000 element
 * operations go to the kernel as one transaction, so when its last operation fails, none of
 * them is applied (a split transaction would have left the first parts in the kernel).
 */
@RequiresNetns
class LargeTransactionIT {

    static final int ELEMENTS = 150_000;

    @Test
    void aHundredAndFiftyThousandElementOperationsAreOneTransaction(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            List<Element> elems = new ArrayList<>(ELEMENTS);
            for (int i = 0; i < ELEMENTS; i++) {
                elems.add(Element.of(LbRuleset.i(i + 1, DataType.MARK),
                        LbRuleset.ip("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255))));
            }
            List<Op> ops = new ArrayList<>(List.of(new Op.AddTable(LbRuleset.T),
                    new Op.AddSet(LbRuleset.T, TransactionIT.DNAT)));
            for (int from = 0; from < ELEMENTS; from += 50_000) {
                ops.add(new Op.AddElements(LbRuleset.T, "dnat4", elems.subList(from, from + 50_000)));
            }
            Op last = new Op.DeleteSet(LbRuleset.T, "no-such-set");
            ops.add(last);
            long generation = nl.generation();
            TransportException e = assertThrows(TransportException.class, () -> nl.commit(Transaction.of(ops)));
            assertEquals(last, e.operation().orElseThrow(), e.getMessage());
            assertEquals(generation, nl.generation(), "nothing committed");
            assertFalse(nl.read(LbRuleset.T).isPresent(), "none of the " + ELEMENTS + " elements applied");

            nl.commit(Transaction.of(ops.subList(0, ops.size() - 1)));
            assertEquals(generation + 1, nl.generation(), "one transaction");
            assertEquals(ELEMENTS, nl.read(LbRuleset.T).orElseThrow().set("dnat4").elements().size());
        }
    }
}
