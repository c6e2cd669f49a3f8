package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.internal.plan.TablePlanner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.usecases.PolicyCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DSR at ingress: golden text, weights as map elements, and bad input. */
class IngressCompilerTest {

    static Table table() {
        List<Farm> farms = PolicyCases.dsrFarms();
        return IngressCompiler.compile(PolicyCases.onDevice("eth0"), farms, PolicyCases.dsrPaths("eth0", "eth1"));
    }

    @Test
    void dsrFarmsCompileAfterThePolicies() throws Exception {
        String text = NftText.render(table());
        assertEquals(RulesetCompilerTest.golden("dsr.nft", text), text);
    }

    @Test
    void explainSaysWhereAndHow() throws Exception {
        List<DsrPath> paths = PolicyCases.dsrPaths("eth0", "eth1");
        String text = IngressCompiler.explain("site", PolicyCases.dsrFarms(), paths.get(0))
                + IngressCompiler.explain("sticky", PolicyCases.dsrFarms(), paths.get(2))
                + IngressCompiler.explain("stateless", PolicyCases.dsrFarms(), paths.get(3));
        assertEquals(RulesetCompilerTest.golden("explain-ingress.txt", text), text);
    }

    @Test
    void aWeightChangeIsSlotElementsOnly() {
        List<Farm> farms = new ArrayList<>(PolicyCases.dsrFarms());
        farms.set(0, farms.get(0).backend("b2", b -> b.weight(3)));
        Table after = IngressCompiler.compile(PolicyCases.onDevice("eth0"), farms, PolicyCases.dsrPaths("eth0", "eth1"));
        List<String> ops = TablePlanner.diff(Optional.of(table()), after).ops().stream().map(Op::describe).toList();
        assertEquals(List.of("delete element netdev nftlb dsr-ether (2 elements)",
                "add element netdev nftlb dsr-ether (2 elements)"), ops);
    }

    @Test
    void statelessDnatRefusesWhatItCannotRewriteBack() {
        Farm twoVips = Farm.statelessDnat("10.0.0.52", "10.0.0.53").port(80).named("s")
                .weighted(io.nftlb.core.Backend.of("b1", "10.1.0.10"));
        DsrPath path = DsrPath.of("s").in("eth0", "02:00:00:00:00:02").out("eth1", "02:00:00:00:00:01")
                .backend("b1", "02:00:00:00:01:10");
        assertEquals("farm \"s\": stateless dNAT needs one virtual address per IP version (replies are rewritten"
                        + " back to it), not 2",
                assertThrows(UnsupportedFeatureException.class,
                        () -> IngressCompiler.compile(List.of(), List.of(twoVips), List.of(path))).getMessage());
        Farm a = Farm.statelessDnat("10.0.0.52").port(80).named("a").weighted(io.nftlb.core.Backend.of("b1", "10.1.0.10"));
        Farm b = Farm.statelessDnat("10.0.0.53").port(80).named("b").weighted(io.nftlb.core.Backend.of("b1", "10.1.0.10"));
        List<DsrPath> paths = List.of(path.farm().equals("a") ? path : new DsrPath("a", "eth0", "02:00:00:00:00:02",
                "eth1", "02:00:00:00:00:01", path.backendMacs()), new DsrPath("b", "eth0", "02:00:00:00:00:02",
                "eth1", "02:00:00:00:00:01", path.backendMacs()));
        assertEquals("set sdnat-back4-eth1: key tcp . 10.1.0.10 . 80 is claimed twice, with different values",
                assertThrows(InvalidFarmException.class,
                        () -> IngressCompiler.compile(List.of(), List.of(a, b), paths)).getMessage());
    }

    @Test
    void aServingBackendWithoutAMacIsRefused() {
        List<DsrPath> paths = List.of(DsrPath.of("site").in("eth0").out("eth1", "02:00:00:00:00:01")
                        .backend("b1", "02:00:00:00:01:10"), PolicyCases.dsrPaths("eth0", "eth1").get(1));
        assertEquals("farm \"site\": backend \"b2\" has no MAC in its DSR path",
                assertThrows(InvalidFarmException.class,
                        () -> IngressCompiler.compile(List.of(), PolicyCases.dsrFarms().subList(0, 2), paths)).getMessage());
        assertEquals("farm \"dns\": a dsr farm needs a DsrPath (devices and MACs)",
                assertThrows(InvalidFarmException.class, () -> IngressCompiler.compile(List.of(),
                        PolicyCases.dsrFarms().subList(0, 2), PolicyCases.dsrPaths("eth0", "eth1").subList(0, 1)))
                        .getMessage());
        assertEquals("dsr path of farm \"web\": out MAC \"02:00:00:00:00:0G\" is not a MAC address"
                        + " (6 lower-case hex pairs joined by ':')",
                assertThrows(InvalidFarmException.class, () -> DsrPath.of("web").out("eth1", "02:00:00:00:00:0G"))
                        .getMessage());
    }
}
