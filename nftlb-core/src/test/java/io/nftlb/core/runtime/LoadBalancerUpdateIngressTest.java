package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.testing.FakeTransport;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** {@link LoadBalancer#update} with farms and policies: one transaction for both tables, all or nothing. */
class LoadBalancerUpdateIngressTest {

    final FakeTransport kernel = new FakeTransport();

    static Farm web() {
        return Farm.dnat("10.0.0.50").port(80).named("web").roundRobin(Backend.of("w0", "10.1.0.20"));
    }

    static Policy blacklist() {
        return Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24");
    }

    @Test
    void aFarmAndAPolicyGoToTheKernelInOneTransaction() {
        try (LoadBalancer lb = LoadBalancer.open(kernel)) {
            int before = kernel.committed().size();
            lb.update(c -> c.apply(web()).applyPolicy(blacklist())).join();
            assertEquals(before + 1, kernel.committed().size(), "one transaction for the farm and the policy");
            assertEquals(List.of("web"), lb.farms().stream().map(Farm::name).toList());
            assertEquals(List.of(blacklist()), lb.policies());
            assertTrue(kernel.model().table(PolicyCompiler.TABLE).isPresent());
        }
    }

    @Test
    void whenTheKernelRefusesTheTransactionNeitherPartIsMade() {
        try (LoadBalancer lb = LoadBalancer.open(kernel)) {
            kernel.failNext("ENOENT");
            assertThrows(CompletionException.class, () -> lb.update(c -> c.apply(web()).applyPolicy(blacklist())).join());
            assertEquals(List.of(), lb.farms());
            assertEquals(List.of(), lb.policies());
            assertTrue(kernel.model().table(PolicyCompiler.TABLE).isEmpty());
        }
    }

    @Test
    void anInvalidFarmTakesBackThePolicyOfItsUpdate() {
        try (LoadBalancer lb = LoadBalancer.open(kernel)) {
            int before = kernel.committed().size();
            assertThrows(IllegalArgumentException.class,
                    () -> lb.update(c -> c.applyPolicy(blacklist()).setWeight("nosuch", "b0", 1)));
            lb.update(c -> c.apply(web())).join();
            assertEquals(List.of(), lb.policies(), "the policy of the refused update was made");
            assertEquals(before + 1, kernel.committed().size());
        }
    }

    @Test
    void removingAPolicyInAnUpdateRemovesIt() {
        try (LoadBalancer lb = LoadBalancer.open(kernel)) {
            lb.update(c -> c.apply(web()).applyPolicy(blacklist())).join();
            lb.update(c -> c.removePolicy("bad").remove("web")).join();
            assertEquals(List.of(), lb.policies());
            assertEquals(List.of(), lb.farms());
        }
    }
}
