package io.nftlb.core.internal.compile;

import io.nftlb.core.compile.RulesetCompiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Table;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendIdentityTest {

    static final List<Farm> FARMS = List.of(
            Farm.dnat("10.0.0.40").port(80).named("web").roundRobin(Backend.of("b1", "10.1.0.10"),
                    Backend.of("b2", "10.1.0.11")),
            Farm.snat("10.0.0.41").ports(80, 443).named("shop").weighted(Backend.of("s1", "10.1.0.12").port(8080),
                    Backend.of("s2", "10.1.0.13").state(BackendState.DOWN)),
            Farm.dnat("fd00::40").port(80).named("v6").scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS))
                    .backends(Backend.of("m1", "fd00:1::10"), Backend.of("m2", "fd00:1::11")),
            Farm.dnat("10.0.0.42").port(53).udp().named("idle").weighted(
                    Backend.of("i1", "10.1.0.14").state(BackendState.OFF)));

    @Test
    void theIdsOfAFarmWithAServingBackendAndEveryMarkAreReadBack() {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(FARMS);
        Table table = compiled.ruleset().tables().get(0);
        BackendIdentity.Recovered found = BackendIdentity.recover(table);
        for (String farm : List.of("web", "shop", "v6")) {
            assertEquals(compiled.allocation().ids(farm), found.farms().get(farm), farm);
        }
        // No backend of "idle" serves: its slice is empty, so its id cannot be told (nor needs to be).
        assertEquals(null, found.farms().get("idle"));
        long highest = compiled.allocation().ids("idle").mark("i1");
        assertEquals(highest, found.highestMark(), "the last mark handed out, a non-serving backend's included");
    }

    @Test
    void aTableWithoutCommentsGivesNoIdsButItsHighestMark() {
        Table table = RulesetCompiler.compile(FARMS).ruleset().tables().get(0);
        Table bare = new Table(table.family(), table.name(), table.sets().stream().map(s -> s.withElements(
                s.elements().stream().map(e -> new io.nftlb.core.ast.Element(e.key(), e.data(), e.timeout(),
                        java.util.Optional.empty())).toList())).toList(), table.objects(), table.flowtables(),
                table.chains());
        BackendIdentity.Recovered found = BackendIdentity.recover(bare);
        assertEquals(Map.of(), found.farms());
        assertEquals(BackendIdentity.recover(table).highestMark(), found.highestMark());
    }
}
