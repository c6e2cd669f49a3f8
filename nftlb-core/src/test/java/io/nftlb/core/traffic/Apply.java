package io.nftlb.core.traffic;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.Topology;
import java.util.List;

/** Loads farms on a topology's balancer with {@code nft -f}, replacing our table atomically. */
final class Apply {

    private Apply() {}

    static void farms(Topology topology, Farm... farms) {
        String table = Layout.TABLE.toString();
        // add + delete + declare in one nft -f: one transaction that replaces whatever was there.
        String script = "add table " + table + "\ndelete table " + table + "\n"
                + NftText.render(RulesetCompiler.compile(List.of(farms)).ruleset());
        topology.balancer().namespace().nft(script);
    }
}
