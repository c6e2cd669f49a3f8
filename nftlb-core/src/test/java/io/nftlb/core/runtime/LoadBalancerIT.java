package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FarmGen;
import io.nftlb.core.testing.Listings;
import io.nftlb.core.testing.RecordingTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The load balancer against the kernel through nft, in fresh namespaces. */
@RequiresNetns
class LoadBalancerIT {

    /**
     * After every user call of a random sequence, the namespace the load balancer drives
     * lists the same ruleset as a second one loaded from scratch with the compiled farms.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void everyStepEqualsAFullLoad(long seed, NetworkNamespace driven, NetworkNamespace scratch) {
        try (LoadBalancer lb = LoadBalancer.builder(NftCliTransport.inNamespace(driven.name()))
                .coalesce(Duration.ZERO).open()) {
            Map<String, Farm> farms = new LinkedHashMap<>();
            for (FarmGen.Action action : FarmGen.actions(new Random(seed), 25)) {
                Driver.perform(lb, farms, action).join();
                scratch.nft("add table inet nftlb\ndelete table inet nftlb\n"
                        + NftText.render(Expected.table(lb, lb.farms())));
                assertEquals(Listings.canonical(scratch.listRuleset()), Listings.canonical(driven.listRuleset()),
                        "after " + action);
            }
        }
    }

    /** One backend's weight: element ops only, the same ones with 1 farm loaded as with 1,000. */
    @Test
    void aWeightChangeIsTheSameSmallTransactionWith1Or1000Farms(NetworkNamespace one, NetworkNamespace thousand) {
        List<Transaction> changes = new ArrayList<>();
        for (NetworkNamespace ns : List.of(one, thousand)) {
            int count = ns == one ? 1 : 1000;
            RecordingTransport nft = new RecordingTransport(NftCliTransport.inNamespace(ns.name()));
            try (LoadBalancer lb = LoadBalancer.open(nft)) {
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    all.add(lb.apply(LoadBalancerTest.farm(i)));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                lb.setWeight("f0", "b1", 10).join();
                changes.add(nft.lastCommitted());
            }
            // every farm loaded: one dispatch element each, going to the shard chain that holds its rule
            assertEquals(count, ns.listRuleset().split(": goto shard4-", -1).length - 1);
        }
        assertEquals(changes.get(0), changes.get(1));
        assertTrue(changes.get(1).ops().stream()
                .allMatch(op -> op instanceof Op.DeleteElements || op instanceof Op.AddElements));
        assertEquals(2, changes.get(1).ops().size(), NftText.render(changes.get(1)));
    }
}
