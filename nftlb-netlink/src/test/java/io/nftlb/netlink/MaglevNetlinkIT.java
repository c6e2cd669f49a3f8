package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A Maglev farm (65,537 slot elements per IP version) installed through netlink lists as with nft -f. */
@RequiresNetns
class MaglevNetlinkIT {

    @Test
    void netlinkInstallsWhatNftInstalls(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        Farm farm = Farm.dnat("10.0.0.40", "fd00::40").port(80).named("mag")
                .scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.SOURCE_PORT))
                .backends(IntStream.range(0, 6).mapToObj(i -> i % 2 == 0 ? Backend.of("b" + i, "10.1.0." + (10 + i))
                        : Backend.of("b" + i, "fd00:1::" + (10 + i))).toList());
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
        viaNft.nft(NftText.render(compiled.ruleset()));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(compiled.ruleset().tables().get(0)));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }
}
