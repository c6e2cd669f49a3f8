package io.nftlb.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.Listings;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The filter's optional parts (helper objects, limit sets, guard maps that jump to farm chains)
 * come and go with the farms that use them, planned incrementally, as a full load has them.
 */
@RequiresNetns
class FilterPlanIT {

    @Test
    void incrementalEqualsFullLoad(NetworkNamespace incremental, NetworkNamespace scratch) {
        Farm ftp = Farm.snat("10.0.0.50").port(21).named("ftp").helper(Helper.FTP).weighted(Backend.at("10.1.0.10"));
        Farm tftp = Farm.dnat("10.0.0.51").udp().port(69).named("tftp").helper(Helper.TFTP)
                .roundRobin(Backend.at("10.1.0.11"));
        Farm snmp = Farm.dnat("10.0.0.52").udp().port(161).named("snmp").helper(Helper.SNMP)
                .roundRobin(Backend.at("10.1.0.12"));
        NftCliTransport nft = NftCliTransport.inNamespace(incremental.name());
        Compiled current = RulesetCompiler.compile(List.of());
        nft.commit(Planner.diff(Optional.empty(), current));
        Farm strict = Farm.dnat("10.0.0.53").port(80).named("strict").roundRobin(Backend.at("10.1.0.13"))
                .limits(Limits.none().strictTcp().resets(Rate.perSecond(10)).connectionsPerClient(5));
        List<List<Farm>> steps = List.of(List.of(ftp), List.of(ftp, tftp, snmp, strict), List.of(tftp, strict),
                List.of(tftp), List.of(strict), List.of());
        for (List<Farm> farms : steps) {
            Compiled desired = RulesetCompiler.compile(farms, current.allocation());
            Transaction tx = Planner.diff(Optional.of(current), desired);
            nft.commit(tx);
            scratch.nft("add table inet nftlb\ndelete table inet nftlb\n" + NftText.render(desired.ruleset()));
            assertEquals(Listings.canonical(scratch.listRuleset()), Listings.canonical(incremental.listRuleset()),
                    "farms " + farms.stream().map(Farm::name).toList() + ", planned\n" + NftText.render(tx));
            current = desired;
        }
    }
}
