package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.Rate;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A farm that hands new connections to an NFQUEUE. Kernels built without {@code CONFIG_NFT_QUEUE}
 * (this machine's) reject the queue expression: the commit must fail as a whole with an error
 * that names the missing feature, and only then is the rest of the test skipped for that reason.
 */
@RequiresNetns
class QueueNetlinkIT {

    static final Farm QUEUED = Farm.dnat("10.0.0.40").port(25).named("mail").roundRobin(Backend.at("10.1.0.10"))
            .inspection(Inspection.none().log("mail-new ", Rate.perSecond(20)).queue(7, true));

    @Test
    void netlinkInstallsWhatNftInstallsOrNamesTheMissingKernelFeature(NetworkNamespace viaNft,
                                                                       NetworkNamespace viaNetlink) {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(QUEUED));
        String text = NftText.render(compiled.ruleset());
        assertTrue(text.contains("queue num 7 bypass"), text);
        boolean applied;
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(compiled.ruleset().tables().get(0)));
            applied = true;
        } catch (TransportException e) {
            assertTrue(e.getMessage().contains("CONFIG_NFT_QUEUE"), "the error names the kernel feature: "
                    + e.getMessage());
            assertFalse(viaNetlink.listRuleset().contains("nftlb"), "nothing of the failed transaction is left: "
                    + viaNetlink.listRuleset());
            applied = false;
        }
        assumeTrue(applied, "this kernel lacks CONFIG_NFT_QUEUE (nft_queue): the queue rule cannot be installed");
        viaNft.nft(text);
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }
}
