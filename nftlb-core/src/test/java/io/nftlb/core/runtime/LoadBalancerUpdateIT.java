package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancer#update} against the kernel: its changes are one transaction, applied whole or
 * refused whole. The refusal comes from a queue rule on a kernel without {@code CONFIG_NFT_QUEUE}
 * (decided by {@link KernelFeature}); on a kernel with it, the same update lands whole.
 */
@RequiresNetns
class LoadBalancerUpdateIT {

    @Test
    void anUpdateIsOneKernelTransactionOrNone(NetworkNamespace ns) {
        List<String> events = new ArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(NftCliTransport.inNamespace(ns.name())).listener(new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                events.add("committed");
            }

            @Override
            public void failed(Transaction transaction, RuntimeException error) {
                events.add("failed");
            }
        }).open()) {
            lb.apply(LoadBalancerUpdateTest.WEB).join();
            String before = ns.listRuleset();
            events.clear();
            Farm queued = LoadBalancerUpdateTest.DNS.inspection(Inspection.none().queue(3, false));
            KernelFeature.Evidence queue = KernelFeature.NFT_QUEUE.evidence();
            if (queue.present()) {
                // The kernel takes the queue rule: both changes land, in one transaction.
                lb.update(c -> c.setWeight("web", "b1", 3).apply(queued)).join();
                assertEquals(List.of("committed"), events, "one transaction per update");
                String after = ns.listRuleset();
                // nft lists the queue as "queue num 3" or, in newer nftables, "queue to 3".
                assertTrue(after.contains("10.0.0.53") && after.matches("(?s).*queue( flags [a-z,]+)? (num|to) 3\\b.*"),
                        after);
                assertEquals(3, lb.farm("web").orElseThrow().backend("b1").orElseThrow().weight());
                return;
            }
            // The kernel refuses the queue rule (evidence: KernelFeature), and so the whole update.
            CompletionException e = assertThrows(CompletionException.class,
                    () -> lb.update(c -> c.setWeight("web", "b1", 3).apply(queued)).join(), queue.summary());
            assertEquals(before, ns.listRuleset(), "the weight went with the refused farm: " + e.getCause());
            assertEquals(List.of(LoadBalancerUpdateTest.WEB), lb.farms());
            lb.update(c -> c.setWeight("web", "b1", 3).apply(LoadBalancerUpdateTest.DNS)).join();
            assertEquals(List.of("failed", "committed"), events, "one transaction per update");
            String after = ns.listRuleset();
            assertTrue(after.contains("10.0.0.53") && !after.equals(before), after);
            assertEquals(3, lb.farm("web").orElseThrow().backend("b1").orElseThrow().weight());
        }
    }
}
