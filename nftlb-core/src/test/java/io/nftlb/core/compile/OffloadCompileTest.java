package io.nftlb.core.compile;

import static io.nftlb.core.compile.RulesetCompilerTest.golden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Flow offload: one flowtable on the union of the farms' devices, one forward rule, backends by mark. */
class OffloadCompileTest {

    static Farm web() {
        return Farm.snat("10.0.0.60").port(80).named("web").offload("eth1", "eth0")
                .weighted(Backend.of("w1", "10.1.0.10"), Backend.of("w2", "10.1.0.11"));
    }

    static Farm dns() {
        return Farm.dnat("10.0.0.61", "fd00::61").udp().port(53).named("dns").offload("eth1", "eth2")
                .roundRobin(Backend.of("d1", "10.1.0.12"), Backend.of("d6", "fd00:1::c"));
    }

    static Farm plain() {
        return Farm.dnat("10.0.0.62").port(25).named("mail").roundRobin(Backend.of("m1", "10.1.0.13"));
    }

    @Test
    void goldenRuleset() throws IOException {
        String actual = NftText.render(RulesetCompiler.compile(List.of(web(), dns(), plain())).ruleset());
        assertEquals(golden("offload.nft", actual), actual);
    }

    @Test
    void onlyTheOffloadingFarmsBackendsAreOffloaded() {
        var table = RulesetCompiler.compile(List.of(web(), plain())).ruleset().tables().get(0);
        var offloaded = table.sets().stream().filter(s -> s.name().equals(Layout.OFFLOADED)).findFirst().orElseThrow();
        assertEquals(2, offloaded.elements().size(), "web's two backends, not mail's: " + offloaded.elements());
        assertEquals(List.of("eth0", "eth1"), table.flowtables().get(0).devices());
        assertTrue(table.flowtables().get(0).counter(), "conntrack counters keep counting offloaded packets");
    }

    @Test
    void withoutOffloadingFarmsTheTableHasNoneOfIt() {
        String text = NftText.render(RulesetCompiler.compile(List.of(plain())).ruleset());
        assertFalse(text.contains("flowtable") || text.contains(Layout.OFFLOADED) || text.contains("hook forward"),
                text);
    }

    @Test
    void anotherFarmOnTheSameDevicesIsElementsOnly() {
        RulesetCompiler.Compiled one = RulesetCompiler.compile(List.of(web()));
        Farm api = web().named("api").port(8080).backends(Backend.of("a1", "10.1.0.20"));
        RulesetCompiler.Compiled two = RulesetCompiler.compile(List.of(web(), api), one.allocation());
        Transaction tx = Planner.diff(Optional.of(one), two);
        assertTrue(tx.ops().stream().noneMatch(o -> o instanceof Op.DeleteTable || o instanceof Op.AddFlowtable),
                NftText.render(tx));
        assertTrue(NftText.render(tx).contains("add element inet nftlb offloaded"), NftText.render(tx));
    }

    @Test
    void aNewDeviceIsAddedToTheFlowtableThatStays() {
        RulesetCompiler.Compiled one = RulesetCompiler.compile(List.of(web()));
        RulesetCompiler.Compiled two = RulesetCompiler.compile(List.of(web(), dns()), one.allocation());
        Transaction tx = Planner.diff(Optional.of(one), two);
        assertTrue(tx.ops().stream().noneMatch(o -> o instanceof Op.DeleteTable || o instanceof Op.DeleteFlowtable),
                NftText.render(tx));
        assertTrue(NftText.render(tx).contains("add flowtable inet nftlb fastpath { hook ingress priority 50; "
                + "devices = { eth2 }; counter; }"), NftText.render(tx));
        assertEquals(kernelAfter(Planner.create(two)), kernelAfter(Planner.create(one), tx));
    }

    @Test
    void aDeviceNoFarmUsesIsRemovedFromTheFlowtableThatStays() {
        RulesetCompiler.Compiled two = RulesetCompiler.compile(List.of(web(), dns()));
        RulesetCompiler.Compiled one = RulesetCompiler.compile(List.of(web()), two.allocation());
        Transaction tx = Planner.diff(Optional.of(two), one);
        assertEquals(List.of(new Op.DeleteFlowtableDevices(new io.nftlb.core.ast.TableRef(
                        io.nftlb.core.ast.Family.INET, "nftlb"), "fastpath", 50, List.of("eth2"))),
                tx.ops().stream().filter(o -> o instanceof Op.DeleteFlowtableDevices || o instanceof Op.DeleteTable
                        || o instanceof Op.AddFlowtable || o instanceof Op.DeleteFlowtable).toList(), NftText.render(tx));
        assertTrue(NftText.render(tx).contains("delete flowtable inet nftlb fastpath { hook ingress priority 50; "
                + "devices = { eth2 }; }"), NftText.render(tx));
        assertEquals(kernelAfter(Planner.create(one)), kernelAfter(Planner.create(two), tx));
    }

    @Test
    void theFirstAndLastOffloadingFarmsAddAndDeleteTheFlowtableWithoutReplacingTheTable() {
        RulesetCompiler.Compiled none = RulesetCompiler.compile(List.of(plain()));
        RulesetCompiler.Compiled one = RulesetCompiler.compile(List.of(plain(), web()), none.allocation());
        Transaction add = Planner.diff(Optional.of(none), one);
        Transaction remove = Planner.diff(Optional.of(one), none);
        assertTrue(add.ops().stream().noneMatch(o -> o instanceof Op.DeleteTable), NftText.render(add));
        assertTrue(remove.ops().stream().noneMatch(o -> o instanceof Op.DeleteTable), NftText.render(remove));
        assertEquals(kernelAfter(Planner.create(one)), kernelAfter(Planner.create(none), add));
        assertEquals(kernelAfter(Planner.create(none)), kernelAfter(Planner.create(none), add, remove));
    }

    /** The table as the in-memory kernel has it after the transactions, as text. */
    private static String kernelAfter(Transaction... txs) {
        io.nftlb.core.testing.RulesetModel kernel = new io.nftlb.core.testing.RulesetModel();
        for (Transaction tx : txs) {
            kernel.apply(tx);
        }
        return io.nftlb.core.testing.RulesetModel.text(kernel.table(new io.nftlb.core.ast.TableRef(
                io.nftlb.core.ast.Family.INET, "nftlb")).orElseThrow());
    }

    @Test
    void eachDeviceIsPartOfTheTablesShape() {
        assertTrue(FarmParts.optionalSets(web()).containsAll(List.of("flowtable fastpath eth0",
                "flowtable fastpath eth1", Layout.OFFLOADED)), FarmParts.optionalSets(web()).toString());
    }

    @Test
    void explainSaysWhereConnectionsAreOffloaded() {
        String text = RulesetCompiler.compile(List.of(web())).explain("web");
        assertTrue(text.contains("flow offload: established tcp and udp connections (marks in set offloaded) go to"
                + " flowtable fastpath on eth0, eth1, added by chain forward"), text);
    }

    @Test
    void onlyForwardedTcpAndUdpCanBeOffloaded() {
        assertEquals("farm \"10.0.0.60\": flow offload needs forwarded connections (dnat or snat), not local forwarding",
                assertThrows(InvalidFarmException.class, () -> Farm.local("10.0.0.60").port(80).offload("eth0"))
                        .getMessage());
        assertEquals("farm \"10.0.0.60\": flow offload needs forwarded connections (dnat or snat), not dsr forwarding",
                assertThrows(InvalidFarmException.class, () -> Farm.dsr("10.0.0.60").port(80).offload("eth0"))
                        .getMessage());
        assertEquals("farm \"10.0.0.60\": flow offload forwards tcp and udp only, not sctp",
                assertThrows(InvalidFarmException.class,
                        () -> Farm.dnat("10.0.0.60").protocol(Protocol.SCTP).offload("eth0")).getMessage());
    }

    @Test
    void devicesAreDeviceNamesListedOnce() {
        assertEquals("flow offload: device \"eth 0\" is not a device name (1 to 15 letters, digits, '_', '.', ':',"
                        + " '@', '-')",
                assertThrows(InvalidFarmException.class, () -> web().offload("eth 0")).getMessage());
        assertEquals("flow offload: device \"eth0\" is listed twice",
                assertThrows(InvalidFarmException.class, () -> web().offload("eth0", "eth0")).getMessage());
        assertEquals("flow offload: needs at least one device",
                assertThrows(InvalidFarmException.class, () -> web().offload()).getMessage());
    }
}
