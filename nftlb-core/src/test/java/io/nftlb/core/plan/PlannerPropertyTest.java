package io.nftlb.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.RulesetCompiler.Compiled;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import io.nftlb.core.testing.FarmGen;
import io.nftlb.core.testing.RulesetModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The planner's laws: applying diff(a, b) to a gives b, whatever the changes, and diff(x, x)
 * is empty. "Applying" is done by the in-memory kernel, which rejects what nf_tables rejects,
 * so an op in the wrong order fails the property too.
 */
class PlannerPropertyTest {

    @Property(tries = 300)
    void applyingEachPlanGivesTheCompiledRuleset(@ForAll("sequences") List<FarmGen.Action> actions) {
        Map<String, Farm> farms = new LinkedHashMap<>();
        Compiled current = RulesetCompiler.compile(List.of());
        RulesetModel kernel = new RulesetModel();
        kernel.apply(Planner.diff(Optional.empty(), current));
        for (FarmGen.Action action : actions) {
            action.apply(farms);
            Compiled desired = RulesetCompiler.compile(List.copyOf(farms.values()), current.allocation());
            Transaction tx = Planner.diff(Optional.of(current), desired);
            kernel.apply(tx);
            assertEquals(RulesetModel.text(desired.ruleset().tables().get(0)),
                    RulesetModel.text(kernel.table(Layout.TABLE).orElseThrow()),
                    () -> "after " + action + " with\n" + NftText.render(tx));
            current = desired;
        }
    }

    @Property(tries = 200)
    void diffOfAStateWithItselfIsEmpty(@ForAll("sequences") List<FarmGen.Action> actions) {
        Map<String, Farm> farms = new LinkedHashMap<>();
        actions.forEach(a -> a.apply(farms));
        Compiled x = RulesetCompiler.compile(List.copyOf(farms.values()));
        assertTrue(Planner.diff(Optional.of(x), x).isEmpty());
        Compiled again = RulesetCompiler.compile(List.copyOf(farms.values()), x.allocation());
        assertTrue(Planner.diff(Optional.of(x), again).isEmpty(), () -> NftText.render(Planner.diff(Optional.of(x), again)));
    }

    @Provide
    Arbitrary<List<FarmGen.Action>> sequences() {
        return FarmGen.actions().list().ofMinSize(1).ofMaxSize(30);
    }
}
