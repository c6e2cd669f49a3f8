package io.nftlb.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Through {@code nft -f} as through netlink: on a kernel without {@code CONFIG_NFT_QUEUE} a farm
 * with a queue fails as a whole with an error that names the feature; only then is the rest
 * skipped for that reason.
 */
@RequiresNetns
class QueueNftCliIT {

    @Test
    void queueFarmLoadsOrNamesTheMissingKernelFeature(NetworkNamespace ns) {
        Farm farm = Farm.dnat("10.0.0.40").port(25).named("mail").roundRobin(Backend.at("10.1.0.10"))
                .inspection(Inspection.none().queue(7, false));
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
        boolean applied;
        try {
            NftCliTransport.inNamespace(ns.name()).commit(Planner.diff(Optional.empty(), compiled));
            applied = true;
        } catch (TransportException e) {
            assertEquals("ENOENT", e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("CONFIG_NFT_QUEUE"), "the error names the kernel feature: "
                    + e.getMessage());
            assertFalse(ns.listRuleset().contains("nftlb"), "nothing of the failed transaction is left: "
                    + ns.listRuleset());
            applied = false;
        }
        assumeTrue(applied, "this kernel lacks CONFIG_NFT_QUEUE (nft_queue): the queue rule cannot be installed");
        assertTrue(ns.listRuleset().contains("queue num 7"), ns.listRuleset());
    }
}
