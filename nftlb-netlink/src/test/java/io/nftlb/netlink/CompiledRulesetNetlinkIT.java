package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.core.usecases.UseCases;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel is the oracle: each compiled use case installed through netlink lists exactly as
 * the rendered text loaded with {@code nft -f}.
 */
@RequiresNetns
class CompiledRulesetNetlinkIT {

    static List<Farm> useCases() {
        List<Farm> farms = new java.util.ArrayList<>(UseCases.all());
        farms.addAll(UseCases.localClients());
        // nftlb's sched-param "srcip srcmac": the link layer in a hash's input (nft implies meta iiftype ether).
        farms.add(Farm.dnat("10.0.0.43").udp().port(53).named("mac-hash")
                .scheduler(io.nftlb.core.Scheduler.hash(io.nftlb.core.Scheduler.HashField.SOURCE_ADDRESS,
                        io.nftlb.core.Scheduler.HashField.SOURCE_MAC))
                .backends(io.nftlb.core.Backend.of("b1", "10.1.0.10"), io.nftlb.core.Backend.of("b2", "10.1.0.11")));
        return farms;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("useCases")
    void netlinkInstallsWhatNftInstalls(Farm farm, NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
        viaNft.nft(NftText.render(compiled.ruleset()));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(compiled.ruleset().tables().get(0)));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    /**
     * What the kernel lists reads back as the compiled table: the delinearizer knows every
     * statement the compiler emits ({@code ct mark set numgen ... offset}, {@code jump},
     * {@code return}, the lookups of the shared lookup chains).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("useCases")
    void readBackEqualsTheCompiledTable(Farm farm, NetworkNamespace ns) {
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(List.of(farm));
        io.nftlb.core.ast.Table table = compiled.ruleset().tables().get(0);
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(table));
            io.nftlb.core.ast.Table read = nl.read(io.nftlb.core.internal.compile.Layout.TABLE).orElseThrow();
            assertEquals(NftText.render(LbRulesetIT.normalize(table)), NftText.render(LbRulesetIT.normalize(read)));
        }
    }
}
