package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Atomicity, error attribution, namespace isolation and scale of commits. */
@RequiresNetns
class TransactionIT {

    static final NamedSet DNAT = NamedSet.map("dnat4", LbRuleset.CT_MARK,
            new Expr.Payload(io.nftlb.core.ast.PayloadField.IP_DADDR), Set.of());

    @Test
    void aBatchWhoseLastOpFailsChangesNothingAndTheTransportStaysUsable(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            String empty = ns.listRuleset();
            Op bad = new Op.AddElements(LbRuleset.T, "dnat4", List.of(
                    Element.of(LbRuleset.i(1, DataType.MARK), LbRuleset.ip("10.0.0.1")),
                    Element.of(LbRuleset.i(1, DataType.MARK), LbRuleset.ip("10.0.0.2"))));
            TransportException e = assertThrows(TransportException.class, () -> nl.commit(Transaction.of(List.of(
                    new Op.AddTable(LbRuleset.T), new Op.AddSet(LbRuleset.T, DNAT), bad))));
            assertEquals("EEXIST", e.errno());
            assertEquals(bad, e.operation().orElseThrow());
            assertEquals(empty, ns.listRuleset());
            long gen = nl.generation();
            nl.commit(Transaction.of(List.of(new Op.AddTable(LbRuleset.T), new Op.AddSet(LbRuleset.T, DNAT))));
            assertTrue(ns.listRuleset().contains("map dnat4"));
            assertTrue(nl.generation() != gen);
        }
    }

    @Test
    void aStaleGenerationIsRejected(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            long gen = nl.generation();
            nl.commit(Transaction.of(List.of(new Op.AddTable(LbRuleset.T))));
            TransportException e = assertThrows(TransportException.class, () -> nl.commit(new Transaction(
                    List.of(new Op.DeleteTable(LbRuleset.T)), java.util.OptionalLong.of(gen))));
            assertEquals("ERESTART", e.errno());
            assertTrue(ns.listRuleset().contains("table inet nftlb"));
        }
    }

    @Test
    void openingInANamespaceChangesNoOtherThread(NetworkNamespace ns) {
        String before = NamespaceSwitchIT.threadNetns();
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            assertEquals(before, NamespaceSwitchIT.threadNetns());
            nl.commit(Transaction.of(List.of(new Op.AddTable(LbRuleset.T))));
            assertTrue(ns.listRuleset().contains("table inet nftlb"));
            String root = inRootNamespace("nft", "list", "table", "inet", "nftlb");
            assertTrue(root.contains("No such file"), root);
        }
    }

    @Test
    void hundredThousandElementsInOneTransaction(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            List<Element> elems = new ArrayList<>(100_000);
            for (int i = 0; i < 100_000; i++) {
                elems.add(Element.of(LbRuleset.i(i + 1, DataType.MARK),
                        LbRuleset.ip("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255))));
            }
            nl.commit(Transaction.of(List.of(new Op.AddTable(LbRuleset.T), new Op.AddSet(LbRuleset.T, DNAT),
                    new Op.AddElements(LbRuleset.T, "dnat4", elems))));
            assertEquals(100_000, nl.read(LbRuleset.T).orElseThrow().set("dnat4").elements().size());
        }
    }

    /** Runs a command in the JVM's own (root) namespace; returns stdout and stderr. */
    static String inRootNamespace(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
