package io.nftlb.core.nftcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The nft transport against the kernel, in a fresh namespace: commits, atomicity, and errors. */
@RequiresNetns
class NftCliTransportIT {

    static RulesetCompiler.Compiled web() {
        return RulesetCompiler.compile(List.of(Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10"))));
    }

    @Test
    void commitsAWholeTableAsNftWouldLoadIt(NetworkNamespace ns, NetworkNamespace reference) {
        NftCliTransport.inNamespace(ns.name()).commit(Planner.create(web()));
        reference.nft(NftText.render(web().ruleset()));
        assertEquals(reference.listRuleset(), ns.listRuleset());
    }

    @Test
    void aRejectedTransactionNamesErrnoAndOpAndAppliesNothing(NetworkNamespace ns) throws Exception {
        NftCliTransport nft = NftCliTransport.inNamespace(ns.name());
        nft.commit(Planner.create(web()));
        String before = ns.listRuleset();
        Op missing = new Op.DeleteElements(Layout.TABLE, Layout.DNAT4,
                List.of(Element.of(new Expr.Int(99, DataType.MARK))));
        Transaction tx = Transaction.of(List.of(new Op.AddChain(Layout.TABLE, Chain.regular("extra", List.of())),
                missing));
        TransportException e = assertThrows(TransportException.class, () -> nft.commit(tx));
        assertEquals("ENOENT", e.errno());
        assertEquals(Optional.of(missing), e.operation());
        assertEquals(before, ns.listRuleset(), "nothing of a rejected transaction may be applied");

        Op taken = new Op.AddElements(Layout.TABLE, Layout.DNAT4,
                List.of(Element.of(new Expr.Int(1, DataType.MARK), new Expr.Addr(InetAddress.getByName("10.9.9.9")))));
        e = assertThrows(TransportException.class, () -> nft.commit(Transaction.of(List.of(taken))));
        assertEquals("EEXIST", e.errno());
        assertEquals(Optional.of(taken), e.operation());
    }

    @Test
    void aMissingNamespaceIsATransportError() {
        TransportException e = assertThrows(TransportException.class,
                () -> NftCliTransport.inNamespace("nftlb-no-such-namespace").commit(Planner.create(web())));
        assertEquals("ENOENT", e.errno());
        assertTrue(e.operation().isEmpty());
    }
}
