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

    /** A stateless dNAT farm pinning clients and remembering them, both IP versions. */
    static Farm stickyStateless() {
        return Farm.statelessDnat("10.0.0.52", "fd00::52").port(80).named("sticky")
                .weighted(io.nftlb.core.Backend.of("b1", "10.1.0.10"), io.nftlb.core.Backend.of("b2", "10.1.0.11"),
                        io.nftlb.core.Backend.of("b6", "fd00:1::10"),
                        io.nftlb.core.Backend.of("b3", "10.1.0.12").state(io.nftlb.core.BackendState.DOWN))
                .persistent(java.time.Duration.ofMinutes(5))
                .staticSession("192.0.2.7", "b2").staticSession("192.0.2.8", 40000, "b1");
    }

    static List<DsrPath> stickyPaths() {
        return List.of(DsrPath.of("sticky").in("eth0", "02:00:00:00:00:02").out("eth1", "02:00:00:00:00:01")
                .backend("b1", "02:00:00:00:01:10").backend("b2", "02:00:00:00:01:11")
                .backend("b3", "02:00:00:00:01:12").backend("b6", "02:00:00:00:01:16"));
    }

    /**
     * Pinned and remembered clients of a stateless dNAT farm: looked up before scheduling, used
     * while their backend serves ({@code b3} is down: no serving element), the virtual address
     * written back when not; the scheduled backend remembered.
     */
    @Test
    void statelessDnatSessionsAreLookedUpBeforeScheduling() throws Exception {
        Table t = IngressCompiler.compile(List.of(), List.of(stickyStateless()), stickyPaths());
        String text = NftText.render(t) + IngressCompiler.explain("sticky", List.of(stickyStateless()),
                stickyPaths().get(0));
        assertEquals(RulesetCompilerTest.golden("sdnat-sessions.nft", text), text);
    }

    /** Without sessions no session map is declared, so other rulesets stay as they were. */
    @Test
    void statelessDnatWithoutSessionsDeclaresNoSessionMap() {
        Farm plain = Farm.statelessDnat("10.0.0.52").port(80).named("sticky")
                .weighted(io.nftlb.core.Backend.of("b1", "10.1.0.10"));
        Table t = IngressCompiler.compile(List.of(), List.of(plain), stickyPaths());
        assertEquals(List.of(), t.sets().stream().map(s -> s.name())
                .filter(n -> n.startsWith("sdnat-static") || n.startsWith("sdnat-persist") || n.startsWith("sdnat-serving"))
                .toList());
    }

    /** A backend going down is an element change of the serving set (and the slot map), not a rule change. */
    @Test
    void aStatelessDnatBackendGoingDownLeavesTheServingSet() {
        Table before = IngressCompiler.compile(List.of(), List.of(stickyStateless()), stickyPaths());
        Farm down = stickyStateless().backend("b2", b -> b.state(io.nftlb.core.BackendState.DOWN));
        Table after = IngressCompiler.compile(List.of(), List.of(down), stickyPaths());
        List<String> ops = TablePlanner.diff(Optional.of(before), after).ops().stream().map(Op::describe).toList();
        assertEquals(List.of("delete element netdev nftlb sdnat4 (2 elements)",
                "delete element netdev nftlb sdnat-serving4 (1 elements)",
                "add element netdev nftlb sdnat4 (1 elements)"), ops);
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
