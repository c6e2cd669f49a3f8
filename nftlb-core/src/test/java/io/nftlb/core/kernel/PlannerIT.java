package io.nftlb.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FarmGen;
import io.nftlb.core.testing.Listings;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Planner output applied change by change is the same, in the kernel, as loading the desired
 * ruleset at once: after every step of a random action sequence, the namespace that got the
 * planned transactions lists the same ruleset as a second namespace loaded from scratch.
 */
@RequiresNetns
class PlannerIT {

    static final int STEPS = 25;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void incrementalEqualsFullLoad(long seed, NetworkNamespace incremental, NetworkNamespace scratch) {
        NftCliTransport nft = NftCliTransport.inNamespace(incremental.name());
        Map<String, Farm> farms = new LinkedHashMap<>();
        Compiled current = RulesetCompiler.compile(List.of());
        nft.commit(Planner.diff(Optional.empty(), current));
        for (FarmGen.Action action : FarmGen.actions(new Random(seed), STEPS)) {
            action.apply(farms);
            Compiled desired = RulesetCompiler.compile(List.copyOf(farms.values()), current.allocation());
            Transaction tx = Planner.diff(Optional.of(current), desired);
            nft.commit(tx);
            // From scratch: our table removed and the desired one loaded, in one nft run.
            scratch.nft("add table inet nftlb\ndelete table inet nftlb\n" + NftText.render(desired.ruleset()));
            assertEquals(Listings.canonical(scratch.listRuleset()), Listings.canonical(incremental.listRuleset()),
                    "after " + action + ", which planned\n" + NftText.render(tx));
            current = desired;
        }
    }
}
