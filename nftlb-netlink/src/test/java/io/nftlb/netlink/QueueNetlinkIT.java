package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.Rate;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A farm that hands new connections to an NFQUEUE. Whether this kernel has {@code CONFIG_NFT_QUEUE}
 * is decided by {@link KernelFeature} (a minimal queue rule through {@code nft} in a fresh
 * namespace), not by the library's error. With it, netlink installs what {@code nft -f} installs.
 * Without it, the commit fails as a whole with ENOENT and an error that names the feature, the
 * same farm without its queue is accepted (so the queue is what was refused), and the test skips.
 */
@RequiresNetns
class QueueNetlinkIT {

    static final Farm QUEUED = Farm.dnat("10.0.0.40").port(25).named("mail").roundRobin(Backend.at("10.1.0.10"))
            .inspection(Inspection.none().log("mail-new ", Rate.perSecond(20)).queue(7, true));

    @Test
    void netlinkInstallsWhatNftInstallsOrRefusesTheQueueWhole(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(QUEUED));
        String text = NftText.render(compiled.ruleset());
        assertTrue(text.contains("queue num 7 bypass"), text);
        KernelFeature.Evidence queue = KernelFeature.NFT_QUEUE.evidence();
        if (queue.present()) {
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
                nl.commit(Planner.create(compiled.ruleset().tables().get(0)));
            }
            viaNft.nft(text);
            assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
            assertTrue(viaNetlink.listRuleset().contains("queue"), viaNetlink.listRuleset());
            return;
        }
        TransportException e = assertThrows(TransportException.class, () -> {
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
                nl.commit(Planner.create(compiled.ruleset().tables().get(0)));
            }
        }, queue.summary());
        assertEquals("ENOENT", e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("CONFIG_NFT_QUEUE"), "the error names the kernel feature: " + e.getMessage());
        assertFalse(viaNetlink.listRuleset().contains("nftlb"), "nothing of the failed transaction is left: "
                + viaNetlink.listRuleset());
        Farm unqueued = QUEUED.inspection(Inspection.none().log("mail-new ", Rate.perSecond(20)));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(RulesetCompiler.compile(List.of(unqueued)).ruleset().tables().get(0)));
        }
        assertTrue(viaNetlink.listRuleset().contains("mail-new"), "the farm without its queue loads: "
                + viaNetlink.listRuleset());
        Assumptions.abort(queue.summary());
    }
}
