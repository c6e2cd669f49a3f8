package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Scheduler;
import io.nftlb.core.Scheduler.HashField;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.render.NftText;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MaglevCompileTest {

    static Farm farm(int backends) {
        return Farm.dnat("10.0.0.40").port(80).named("mag").scheduler(Scheduler.maglev(HashField.SOURCE_ADDRESS))
                .backends(IntStream.range(0, backends).mapToObj(i -> Backend.of("b" + i, "10.1.0." + (10 + i))).toList());
    }

    @Test
    void ruleHashesIntoTheMaglevMapWithAFixedSeed() {
        String text = NftText.render(RulesetCompiler.compile(List.of(farm(2))).ruleset());
        assertTrue(text.contains("ct mark set jhash ip saddr mod 65537 seed 0x6d61676c jump lookup-maglev"), text);
        assertTrue(text.contains("map maglev4 {"), text);
        assertTrue(text.contains("map maglev6 {"), text);
    }

    @Test
    void explainNamesTheMaglevMapsAndShares() {
        String text = RulesetCompiler.compile(List.of(farm(4))).explain("mag");
        assertTrue(text.contains("maglev consistent hash of source address (jhash mod 65537 seed 0x6d61676c), weighted,"
                + " bounded rendezvous fill"), text);
        assertTrue(text.contains("slots 0..65536 of each"), text);
        assertTrue(text.contains("25.0%"), text);
    }

    @Test
    void rulesetsWithoutMaglevHaveNoMaglevMaps() {
        String text = RulesetCompilerTest.render(RulesetCompilerTest.roundRobin());
        assertFalse(text.contains("maglev"), text);
    }

    @Test
    void oneElementPerSlotCoversTheTable() {
        RulesetCompiler.Compiled c = RulesetCompiler.compile(List.of(farm(3)));
        List<Element> elements = c.parts().get("mag").elements(MaglevSlots.MAP4);
        assertEquals(65_537, elements.size());
        for (int s = 0; s < elements.size(); s++) {
            assertEquals(s, ((Expr.Int) elements.get(s).key()).value());
        }
    }

    @Test
    void oneBackendDownChangesOnlyTheMovedSlots() {
        Farm before = farm(100);
        Farm after = before.backend("b42", b -> b.state(BackendState.DOWN));
        RulesetCompiler.Compiled c1 = RulesetCompiler.compile(List.of(before));
        RulesetCompiler.Compiled c2 = RulesetCompiler.compile(List.of(after), c1.allocation());
        List<Element> e1 = c1.parts().get("mag").elements(MaglevSlots.MAP4);
        List<Element> e2 = c2.parts().get("mag").elements(MaglevSlots.MAP4);
        MaglevSlots.Diff diff = MaglevSlots.diff(e1, e2);
        // b42 held ~1% of the slots: only the slots Maglev moves are replaced.
        assertEquals(diff.deleted().size(), diff.added().size());
        assertTrue(diff.deleted().size() <= 65_537 * 0.02, "moved " + diff.deleted().size());
        assertFalse(diff.deleted().isEmpty());
        assertEquals(c1.ruleset().tables().get(0).chains(), c2.ruleset().tables().get(0).chains(),
                "rules stay constant");
    }

    @Test
    void tooManyBackendsForTheTableAreRefused() {
        Farm f = farm(3);
        assertThrows(InvalidFarmException.class, () -> f.scheduler(
                new Scheduler.Maglev(List.of(HashField.SOURCE_ADDRESS), 3, Scheduler.Maglev.DEFAULT_SEED)));
        assertThrows(InvalidFarmException.class, () -> new Scheduler.Maglev(List.of(HashField.SOURCE_ADDRESS), 65_536, 1));
    }
}
