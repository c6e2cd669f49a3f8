package io.nftlb.core.internal.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.testing.RulesetModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stand-in switch's transactions, against the in-memory kernel. */
class TableSwitchTest {

    static Table table(Farm... farms) {
        return RulesetCompiler.compile(List.of(farms)).ruleset().tables().get(0);
    }

    static Farm web(int weight) {
        return Farm.dnat("10.0.0.40").port(80).named("web").weighted(Backend.of("b1", "10.1.0.10"),
                Backend.of("b2", "10.1.0.11").weight(weight));
    }

    @Test
    void theStandInIsTheDesiredTableUnderAnotherNameAndIsGoneAfterTheSwitch() {
        Table old = table(web(1));
        Table desired = table(web(5));
        TableRef ref = new TableRef(desired.family(), desired.name());
        TableRef standIn = TableSwitch.standIn(ref);
        assertEquals(new TableRef(ref.family(), "nftlb-handover"), standIn);
        RulesetModel kernel = new RulesetModel();
        kernel.apply(SkeletonPlanner.create(old));

        kernel.apply(TableSwitch.standIns(List.of(desired)));
        assertEquals(RulesetModel.text(desired).replace("table inet nftlb {", "table inet nftlb-handover {"),
                RulesetModel.text(kernel.table(standIn).orElseThrow()), "complete, with its elements");
        assertEquals(RulesetModel.text(old), RulesetModel.text(kernel.table(ref).orElseThrow()), "the old one serves on");

        kernel.apply(SkeletonPlanner.create(desired));
        kernel.apply(TableSwitch.retire(List.of(desired)));
        assertEquals(Optional.empty(), kernel.table(standIn));
        assertEquals(RulesetModel.text(desired), RulesetModel.text(kernel.table(ref).orElseThrow()));
    }

    @Test
    void aLeftoverStandInIsReplacedNotJoinedAndRetiringAGoneOneIsNoError() {
        Table desired = table(web(5));
        TableRef standIn = TableSwitch.standIn(new TableRef(desired.family(), desired.name()));
        RulesetModel kernel = new RulesetModel();
        kernel.apply(TableSwitch.standIns(List.of(table(web(1), Farm.dnat("10.0.0.41").port(80).named("other")
                .roundRobin(Backend.of("o1", "10.1.0.20"))))));
        kernel.apply(TableSwitch.standIns(List.of(desired)));
        String text = RulesetModel.text(kernel.table(standIn).orElseThrow());
        assertTrue(!text.contains("10.0.0.41"), "the leftover's farm is gone: " + text);
        kernel.apply(TableSwitch.retire(List.of(desired)));
        kernel.apply(TableSwitch.retire(List.of(desired)));
        assertEquals(Optional.empty(), kernel.table(standIn));
    }
}
