package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The issue-#3 load-balancer ruleset: netlink and nft -f must install the same thing. */
@RequiresNetns
class LbRulesetIT {

    @Test
    void netlinkInstallsWhatNftInstalls(NetworkNamespace viaNft, NetworkNamespace viaNl) {
        {
            viaNft.nft(LbRuleset.NFT);
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNl.name())) {
                nl.commit(io.nftlb.core.plan.Planner.create(LbRuleset.table()));
            }
            assertEquals(viaNft.listRuleset(), viaNl.listRuleset());
        }
    }

    /** Sets and set elements have no order in the kernel: compare them sorted. */
    static Table normalize(Table t) {
        List<NamedSet> sets = t.sets().stream()
                .map(s -> s.withElements(s.elements().stream().sorted(Comparator.comparing(Object::toString)).toList()))
                .sorted(Comparator.comparing(NamedSet::name)).toList();
        return new Table(t.family(), t.name(), sets, t.objects(), t.flowtables(), t.chains());
    }

    @Test
    void readBackEqualsWhatWasCommitted(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(LbRuleset.table()));
            assertEquals(normalize(LbRuleset.table()), normalize(nl.read(LbRuleset.T).orElseThrow()));
        }
    }
}
