package com.example.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.Golden;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plain JUnit test of a user's farms: no root, no kernel. */
class WebFarmsTest {

    @Test
    void rendersAsTheGoldenFileSays() {
        Golden.assertMatches("web.nft", WebFarms.render());
    }

    @Test
    void appliesToTheFakeKernel() {
        FakeTransport kernel = new FakeTransport();

        kernel.commit(Planner.create(RulesetCompiler.compile(List.of(WebFarms.web()))));

        String table = kernel.text(new TableRef(Family.INET, "nftlb")).orElseThrow();
        assertTrue(table.contains("numgen inc mod 2"), table);
        assertTrue(table.contains("10.0.0.40"), table);
    }

    @Test
    void aFailedCommitLeavesTheKernelAsItWas() {
        FakeTransport kernel = new FakeTransport().failNext("ENOMEM");

        TransportException e = assertThrows(TransportException.class,
                () -> kernel.commit(Planner.create(RulesetCompiler.compile(List.of(WebFarms.web())))));

        assertEquals("ENOMEM", e.errno());
        assertTrue(kernel.read(new TableRef(Family.INET, "nftlb")).isEmpty());
    }
}
