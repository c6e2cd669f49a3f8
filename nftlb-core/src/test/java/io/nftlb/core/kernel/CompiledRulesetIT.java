package io.nftlb.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.core.usecases.UseCases;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel accepts every ruleset the compiler produces, and lists it back unchanged in meaning. */
@RequiresNetns
class CompiledRulesetIT {

    @Test
    void everyUseCaseLoadsWithNft(NetworkNamespace ns) {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(UseCases.all());
        ns.nft(NftText.render(compiled.ruleset()));
        String listed = ns.listRuleset();
        for (Farm f : UseCases.all()) {
            // its own chain, or a shard chain holding its rule
            String chain = compiled.parts().get(f.name()).chain().name();
            assertTrue(listed.contains("chain " + chain + " {"), "chain " + chain + " of farm " + f.name() + " in\n"
                    + listed);
        }
    }

    /** What nft lists for our text loads again and lists the same: our text is nft's own language. */
    @Test
    void theListingOfOurRulesetIsAFixedPoint(NetworkNamespace first, NetworkNamespace second) {
        first.nft(NftText.render(RulesetCompiler.compile(UseCases.all()).ruleset()));
        String listed = first.listRuleset();
        second.nft(listed);
        assertEquals(listed, second.listRuleset());
    }

    @Test
    void anEmptyRulesetStillHasItsConstantRules(NetworkNamespace ns) {
        ns.nft(NftText.render(RulesetCompiler.compile(List.of()).ruleset()));
        String listed = ns.listRuleset();
        assertTrue(listed.contains("ct state new ct status ! confirmed meta l4proto . ip daddr . th dport vmap @farms4"), listed);
        assertTrue(listed.contains("dnat ip to ct mark map @dnat4"), listed);
    }
}
