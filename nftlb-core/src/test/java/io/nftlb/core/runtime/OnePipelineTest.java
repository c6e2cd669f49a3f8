package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.testing.FakeTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Farms, policies and paths go through one pipeline: any mix of them is one transaction, is
 * checked as one group, and is applied again, or dropped, as one group after a failed commit.
 */
class OnePipelineTest {

    final FakeTransport kernel = new FakeTransport();

    static final Policy BAD = Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");

    static Farm web(int weight) {
        return Farm.dnat("10.0.0.50").port(80).named("web")
                .weighted(Backend.of("w0", "10.1.0.20").weight(weight), Backend.of("w1", "10.1.0.21"));
    }

    LoadBalancer open() {
        return LoadBalancer.builder(kernel).coalesce(Duration.ZERO).policies(List.of(BAD)).farms(List.of(web(1)))
                .open();
    }

    static List<String> ops(Transaction tx) {
        return tx.ops().stream().map(Op::describe).toList();
    }

    @Test
    void networksOfAPolicyAndAFarmChangeAreOneTransaction() {
        try (LoadBalancer lb = open()) {
            int commits = kernel.committed().size();
            lb.update(c -> c.addNetworks("bad", "198.51.100.0/24").setWeight("web", "w0", 7)).join();
            assertEquals(commits + 1, kernel.committed().size(), "one transaction for both");
            List<String> ops = ops(kernel.lastCommitted());
            assertTrue(ops.stream().anyMatch(o -> o.contains("netdev nftlb")), ops.toString());
            assertTrue(ops.stream().anyMatch(o -> o.contains("inet nftlb")), ops.toString());
            assertEquals(List.of(Network.parse("192.0.2.0/24"), Network.parse("198.51.100.0/24")),
                    lb.policies().get(0).networks());
            assertEquals(7, lb.farm("web").orElseThrow().backends().get(0).weight());
        }
    }

    @Test
    void anInvalidPolicyEditRefusesTheWholeGroupFarmsIncluded() {
        try (LoadBalancer lb = open()) {
            int attempts = kernel.attempted().size();
            assertThrows(InvalidFarmException.class, () -> lb.update(c -> c.setWeight("web", "w0", 9)
                    .addNetworks("bad", "192.0.2.0/24"))); // already there
            assertThrows(IllegalArgumentException.class, () -> lb.update(c -> c.setWeight("web", "w0", 9)
                    .removeNetworks("nope", "192.0.2.0/24")));
            assertEquals(attempts, kernel.attempted().size(), "nothing reached the kernel");
            lb.setWeight("web", "w1", 3).join(); // the state is as before the refused groups
            assertEquals(1, lb.farm("web").orElseThrow().backends().get(0).weight());
            assertEquals(List.of(BAD), lb.policies());
        }
    }

    /** A group of a policy and a farm queued behind a commit the kernel refuses is applied again as one. */
    @Test
    void aMixedGroupQueuedBehindAFailedCommitIsReplayedAsOneGroup() throws Exception {
        try (LoadBalancer lb = open()) {
            int attempts = kernel.attempted().size();
            kernel.hold();
            CompletableFuture<Void> failing = lb.setWeight("web", "w0", 5);
            kernel.awaitAttempts(attempts + 1); // the commit thread is inside the kernel with it
            kernel.failNext("ENOMEM");
            Policy more = Policy.whitelist("good").on("eth0").networks("203.0.113.0/24");
            CompletableFuture<Void> mixed = lb.update(c -> c.applyPolicy(more).setWeight("web", "w1", 4));
            kernel.release();
            CompletionException refused = assertThrows(CompletionException.class, failing::join);
            assertTrue(refused.getMessage().contains("ENOMEM"), refused.getMessage());
            mixed.join();
            assertEquals(1, lb.farm("web").orElseThrow().backends().get(0).weight(), "the refused change is not made");
            assertEquals(4, lb.farm("web").orElseThrow().backends().get(1).weight());
            assertEquals(List.of(BAD, more), lb.policies());
            List<String> ops = ops(kernel.lastCommitted());
            assertTrue(ops.stream().anyMatch(o -> o.contains("netdev nftlb"))
                    && ops.stream().anyMatch(o -> o.contains("inet nftlb")), "replayed together: " + ops);
        }
    }

    /** A group that no longer applies once the commit before it failed is dropped whole, policy and farm alike. */
    @Test
    void aMixedGroupThatNoLongerAppliesAfterAFailedCommitIsDroppedWhole() throws Exception {
        try (LoadBalancer lb = open()) {
            int attempts = kernel.attempted().size();
            kernel.hold();
            Farm api = Farm.dnat("10.0.0.60").port(80).named("api").roundRobin(Backend.of("a0", "10.1.0.30"));
            CompletableFuture<Void> failing = lb.apply(api);
            kernel.awaitAttempts(attempts + 1);
            kernel.failNext("ENOMEM");
            CompletableFuture<Void> dependent = lb.update(c -> c.addNetworks("bad", "198.51.100.0/24")
                    .setWeight("api", "a0", 2)); // needs the farm the failing commit adds
            kernel.release();
            assertThrows(CompletionException.class, failing::join);
            CompletionException dropped = assertThrows(CompletionException.class, dependent::join);
            assertTrue(dropped.getMessage().contains("farm \"api\" does not exist"), dropped.getMessage());
            assertEquals(List.of(BAD), lb.policies(), "the policy edit of the dropped group is not made either");
            assertFalse(lb.farm("api").isPresent());
        }
    }
}
