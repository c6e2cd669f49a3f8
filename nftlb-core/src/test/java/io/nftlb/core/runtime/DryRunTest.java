package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.DryRunTransport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A load balancer over a dry-run transport shows what a change would commit, and commits nothing. */
class DryRunTest {

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .weighted(Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50));
    }

    @Test
    void aChangeIsPlannedAgainstTheKernelsTableAndNotSent() {
        FakeTransport kernel = new FakeTransport();
        Transaction real;
        try (LoadBalancer lb = LoadBalancer.builder(kernel).farms(List.of(web())).open()) {
            lb.setWeight("web", "b1", 5).join();
            real = kernel.lastCommitted();
        }
        // Back to weight 100 on the real one, then the same change as a dry run.
        try (LoadBalancer lb = LoadBalancer.builder(kernel).farms(List.of(web())).open()) {
            assertEquals(100, lb.farm("web").orElseThrow().backend("b1").orElseThrow().weight());
        }
        String before = RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow());
        int commits = kernel.committed().size();
        DryRunTransport dry = DryRunTransport.over(kernel);
        try (LoadBalancer lb = LoadBalancer.builder(dry).farms(List.of(web())).open()) {
            assertEquals(List.of(), dry.transactions(), "the kernel's table is adopted: nothing to commit");
            lb.setWeight("web", "b1", 5).join();
        }
        assertEquals(List.of(real), dry.transactions(), "the transaction the change would commit");
        assertTrue(NftText.render(dry.transactions().get(0)).contains("element inet nftlb"),
                NftText.render(dry.transactions().get(0)));
        assertEquals(commits, kernel.committed().size(), "nothing reached the kernel");
        assertEquals(before, RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
    }

    @Test
    void aStartUpOverAnEmptyKernelWouldCreateTheTable() {
        FakeTransport kernel = new FakeTransport();
        DryRunTransport dry = DryRunTransport.over(kernel);
        try (LoadBalancer lb = LoadBalancer.builder(dry).farms(List.of(web())).open()) {
            assertEquals(List.of(web()), lb.farms());
        }
        assertEquals(1, dry.transactions().size());
        assertEquals(List.of(), kernel.committed());
        assertTrue(kernel.isClosed(), "closing the load balancer closes the transport read through");
    }
}
