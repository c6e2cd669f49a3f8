package io.nftlb.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The three things the testing package promises users: read back, fail with an errno, hold. */
class FakeTransportTest {
    private static final TableRef NFTLB = new TableRef(Family.INET, "nftlb");

    private final RulesetCompiler.Compiled web = RulesetCompiler.compile(List.of(
            Farm.dnat("10.0.0.40").port(80).named("web")
                    .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"))));

    @Test
    void aCommittedTableReadsBackAsCompiled() {
        FakeTransport kernel = new FakeTransport();

        kernel.commit(Planner.create(web));

        assertEquals(RulesetModel.canonical(web.ruleset().tables().get(0)), kernel.read(NFTLB).orElseThrow());
        assertEquals(RulesetModel.text(web.ruleset().tables().get(0)), kernel.text(NFTLB).orElseThrow());
        assertTrue(kernel.text(NFTLB).orElseThrow().contains("numgen inc mod 2"), NftText.render(web.ruleset()));
        assertEquals(1, kernel.generation());
    }

    @Test
    void theNextCommitFailsWithTheErrnoAndAppliesNothing() {
        FakeTransport kernel = new FakeTransport().failNext("ENOMEM");

        TransportException e = assertThrows(TransportException.class, () -> kernel.commit(Planner.create(web)));

        assertEquals("ENOMEM", e.errno());
        assertFalse(kernel.read(NFTLB).isPresent());
        kernel.commit(Planner.create(web));
        assertTrue(kernel.read(NFTLB).isPresent());
    }

    @Test
    void heldCommitsWaitForRelease() throws Exception {
        FakeTransport kernel = new FakeTransport();
        kernel.hold();

        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> kernel.commit(Planner.create(web)));
        kernel.awaitAttempts(1);
        assertFalse(kernel.read(NFTLB).isPresent());
        kernel.release();
        commit.get(10, TimeUnit.SECONDS);

        assertTrue(kernel.read(NFTLB).isPresent());
    }
}
