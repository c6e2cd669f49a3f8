package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.testing.FakeTransport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A control plane that starts again over the netdev table of an earlier one gives each DSR farm
 * the farm id it had there, so the farm's slice of the slot map does not move: its rule stays as
 * the kernel has it and only what differs is committed.
 */
class IngressRestartTest {

    final FakeTransport kernel = new FakeTransport();

    static Farm web() {
        return Farm.dnat("10.0.0.50").port(80).named("web").roundRobin(Backend.of("w0", "10.1.0.20"));
    }

    static Farm dsr(String name, String vip) {
        return Farm.dsr(vip).port(80).named(name)
                .weighted(Backend.of("b0", "10.1.0.10").weight(100), Backend.of("b1", "10.1.0.11").weight(100));
    }

    static DsrPath path(String farm) {
        return DsrPath.of(farm).in("eth0").out("eth1", "52:54:00:00:00:01")
                .backend("b0", "52:54:00:00:01:10").backend("b1", "52:54:00:00:01:11");
    }

    @Test
    void aDsrFarmKeepsItsSlotSliceAcrossARestart() {
        int before;
        try (LoadBalancer first = LoadBalancer.builder(kernel).paths(List.of(path("a"), path("b")))
                .farms(List.of(web(), dsr("a", "10.0.0.40"), dsr("b", "10.0.0.41"))).open()) {
            before = first.ids("b").orElseThrow().farmId();
        }
        int committed = kernel.committed().size();
        // Without "web" and "a", a fresh allocation would give "b" the first id.
        try (LoadBalancer second = LoadBalancer.builder(kernel).paths(List.of(path("b")))
                .farms(List.of(dsr("b", "10.0.0.41"))).open()) {
            assertEquals(before, second.ids("b").orElseThrow().farmId(), "b's id, as its rule's offset says");
            assertTrue(before > 0, "the test needs b not to have the first id: " + before);
            Transaction startUp = kernel.committed().get(committed);
            List<String> touchingB = startUp.ops().stream().map(Op::describe)
                    .filter(d -> d.contains(IngressCompiler.farmChain("b"))).toList();
            assertEquals(List.of(), touchingB, "b's chain stays as it is: " + startUp.ops().stream()
                    .map(Op::describe).toList());
        }
    }
}
