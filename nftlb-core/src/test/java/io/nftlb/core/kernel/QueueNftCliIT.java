package io.nftlb.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Through {@code nft -f} as through netlink. Whether this kernel has {@code CONFIG_NFT_QUEUE} is
 * decided by {@link KernelFeature}, not by the transport's error: with it, the queue rule is
 * installed; without it, a farm with a queue fails as a whole with ENOENT and an error that names
 * the feature, and only then is the test skipped, with the evidence as the reason.
 */
@RequiresNetns
class QueueNftCliIT {

    @Test
    void queueFarmLoadsOrIsRefusedWholeNamingTheFeature(NetworkNamespace ns) {
        Farm farm = Farm.dnat("10.0.0.40").port(25).named("mail").roundRobin(Backend.at("10.1.0.10"))
                .inspection(Inspection.none().queue(7, false));
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
        KernelFeature.Evidence queue = KernelFeature.NFT_QUEUE.evidence();
        if (queue.present()) {
            NftCliTransport.inNamespace(ns.name()).commit(Planner.diff(Optional.empty(), compiled));
            // nft lists it as "queue num 7" or, in newer nftables, "queue to 7".
            assertTrue(ns.listRuleset().matches("(?s).*queue( flags [a-z,]+)? (num|to) 7\\b.*"), ns.listRuleset());
            return;
        }
        TransportException e = assertThrows(TransportException.class,
                () -> NftCliTransport.inNamespace(ns.name()).commit(Planner.diff(Optional.empty(), compiled)),
                queue.summary());
        assertEquals("ENOENT", e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("CONFIG_NFT_QUEUE"), "the error names the kernel feature: "
                + e.getMessage());
        assertFalse(ns.listRuleset().contains("nftlb"), "nothing of the failed transaction is left: "
                + ns.listRuleset());
        Assumptions.abort(queue.summary());
    }
}
