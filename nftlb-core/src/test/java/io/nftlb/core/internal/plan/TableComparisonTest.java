package io.nftlb.core.internal.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableComparisonTest {

    static Table table() {
        return RulesetCompiler.compile(List.of(
                Farm.dnat("10.0.0.40").port(80).named("web").weighted(Backend.of("b1", "10.1.0.10").weight(3),
                        Backend.of("b2", "10.1.0.11")).persistent(Duration.ofMinutes(1)),
                Farm.snat("10.0.0.41").port(443).named("tls").roundRobin(Backend.of("t1", "10.1.0.12"))))
                .ruleset().tables().get(0);
    }

    static Table with(Table t, List<NamedSet> sets, List<Chain> chains) {
        return new Table(t.family(), t.name(), sets, t.objects(), t.flowtables(), chains);
    }

    @Test
    void theOrderOfSetsElementsAndChainsDoesNotMatter() {
        Table t = table();
        List<NamedSet> sets = new ArrayList<>();
        for (NamedSet s : t.sets()) {
            List<Element> elements = new ArrayList<>(s.elements());
            Collections.reverse(elements);
            sets.add(0, s.withElements(elements));
        }
        List<Chain> chains = new ArrayList<>(t.chains());
        Collections.reverse(chains);
        assertEquals(List.of(), TableComparison.differences(t, with(t, sets, chains)));
    }

    @Test
    void aFlowtablesDevicesCompareInAnyOrderButNotAnotherDevice() {
        Table t = table();
        java.util.function.Function<List<String>, Table> withDevices = devices -> new Table(t.family(), t.name(),
                t.sets(), t.objects(), List.of(new io.nftlb.core.ast.Flowtable("fastpath", 50, devices, true)),
                t.chains());
        Table expected = withDevices.apply(List.of("eth0", "eth1"));
        assertEquals(List.of(), TableComparison.differences(expected, withDevices.apply(List.of("eth1", "eth0"))),
                "the kernel lists a device added later last");
        assertEquals(List.of("flowtable fastpath: differs"),
                TableComparison.differences(expected, withDevices.apply(List.of("eth0", "eth2"))));
    }

    @Test
    void elementsOfDynamicSetsAreTheDataPathsAndNotCompared() {
        Table t = table(); // web's persistence map is dynamic: the data path records clients in it
        NamedSet dynamic = t.sets().stream().filter(s -> s.flags().contains(NamedSet.SetFlag.DYNAMIC)).findFirst()
                .orElseThrow();
        NamedSet dnat = t.set("dnat4");
        List<NamedSet> recorded = new ArrayList<>(t.sets());
        recorded.set(recorded.indexOf(dynamic), dynamic.withElements(List.of(dnat.elements().get(0))));
        assertEquals(List.of(), TableComparison.differences(t, with(t, recorded, t.chains())));
    }

    @Test
    void eachDifferenceIsNamed() {
        Table t = table();
        List<NamedSet> sets = new ArrayList<>(t.sets());
        NamedSet dnat = t.set("dnat4");
        sets.set(sets.indexOf(dnat), dnat.withElements(dnat.elements().subList(1, dnat.elements().size())));
        sets.add(NamedSet.set("extra", dnat.key(), Set.of()));
        List<Chain> chains = new ArrayList<>(t.chains());
        Chain web = t.chain("farm-web");
        List<Rule> rules = new ArrayList<>(web.rules());
        rules.add(new Rule(List.of(new Stmt.Counter()), Optional.empty()));
        chains.set(chains.indexOf(web), new Chain(web.name(), web.hook(), rules));
        String tls = Layout.shardChain(1, false); // tls, farm 1, is one rule: in a shard chain
        chains.remove(t.chain(tls));
        assertEquals(List.of("set dnat4: 1 element(s) missing, 0 not ours", "set extra is not ours",
                        "chain farm-web: " + web.rules().size() + " rule(s) expected, " + rules.size()
                                + " found, not the same", "chain " + tls + " is missing"),
                TableComparison.differences(t, with(t, sets, chains)));
    }
}
