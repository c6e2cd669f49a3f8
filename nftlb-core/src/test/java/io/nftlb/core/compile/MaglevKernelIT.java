package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel takes a Maglev table, and a backend change as element updates in one transaction. */
@RequiresNetns
class MaglevKernelIT {

    @Test
    void oneBackendDownIsOneElementTransactionThatLeavesTheNewTable(NetworkNamespace a, NetworkNamespace b) {
        Farm before = MaglevCompileTest.farm(20);
        Farm after = before.backend("b7", x -> x.state(BackendState.DOWN));
        RulesetCompiler.Compiled c1 = RulesetCompiler.compile(List.of(before));
        RulesetCompiler.Compiled c2 = RulesetCompiler.compile(List.of(after), c1.allocation());
        MaglevSlots.Diff diff = MaglevSlots.diff(c1.parts().get("mag").elements(MaglevSlots.MAP4),
                c2.parts().get("mag").elements(MaglevSlots.MAP4));

        a.nft(NftText.render(c1.ruleset()));
        a.nft(NftText.render(diff.transaction(MaglevSlots.MAP4)));
        b.nft(NftText.render(c2.ruleset()));

        String updated = a.exec("nft", "list", "map", "inet", "nftlb", "maglev4").orThrow().stdout();
        String fresh = b.exec("nft", "list", "map", "inet", "nftlb", "maglev4").orThrow().stdout();
        assertEquals(65_537, elements(fresh).size());
        assertEquals(elements(fresh), elements(updated), "updating by elements must give the freshly built table");
        String listed = a.listRuleset();
        assertTrue(listed.contains("ct mark set jhash ip saddr mod 65537 seed 0x6d61676c jump lookup-maglev"), listed);
        assertTrue(listed.contains("ct mark set ct mark map @maglev4 return"), listed);
    }

    /**
     * A dual-stack sNAT Maglev farm with ports in the hash and a port range loads beside others.
     * (Not with persistence: IPv6 persistence, for any scheduler, makes nft 1.0.6 abort with
     * {@code netlink_gen_expr: Assertion `dreg < ctx->reg_low'}, its 36-byte key is too long.)
     */
    @Test
    void dualStackMaglevFarmLoadsBesideOtherFarms(NetworkNamespace ns) {
        Farm maglev = Farm.snat("10.0.0.41", "fd00::41").portRange(8000, 8100).named("dual")
                .scheduler(io.nftlb.core.Scheduler.maglev(io.nftlb.core.Scheduler.HashField.SOURCE_ADDRESS,
                        io.nftlb.core.Scheduler.HashField.SOURCE_PORT))
                .backends(io.nftlb.core.Backend.of("v4", "10.1.0.10").weight(3), io.nftlb.core.Backend.of("v6", "fd00:1::10"));
        ns.nft(NftText.render(RulesetCompiler.compile(List.of(RulesetCompilerTest.roundRobin(), maglev)).ruleset()));
        String listed = ns.listRuleset();
        assertTrue(listed.contains("ct mark set jhash ip6 saddr . th sport mod 65537 seed 0x6d61676c"
                + " offset 65537 jump lookup-maglev"), listed.lines().filter(l -> l.contains("jhash")).toList().toString());
    }

    /** The {@code slot : mark} pairs of a listing (both in hex), in slot order (a hash map lists in its own order). */
    static java.util.SortedMap<Long, String> elements(String listing) {
        java.util.SortedMap<Long, String> out = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("0x([0-9a-f]+) : (0x[0-9a-f]+)").matcher(listing);
        while (m.find()) {
            out.put(Long.parseLong(m.group(1), 16), m.group(2));
        }
        return out;
    }
}
