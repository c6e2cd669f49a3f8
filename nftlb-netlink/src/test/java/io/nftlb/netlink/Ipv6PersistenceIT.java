package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IPv6 persistence keys are 36 bytes, which nft 1.0.6 cannot load (it aborts) but the kernel
 * accepts: through netlink, each IPv6 client stays on one backend.
 */
@RequiresNetns
class Ipv6PersistenceIT {

    @Test
    void eachIpv6ClientStaysOnOneBackend() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).ipv6(true)
                .clientAddresses(12).start()) {
            t.balancer().addAddress("fd00::40");
            Farm farm = Farm.dnat("fd00::40").port(80).weighted(
                            Backend.of("b0", t.backend(0).address6()), Backend.of("b1", t.backend(1).address6()))
                    .persistent(Duration.ofMinutes(5));
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(t.balancer().namespace().name())) {
                nl.commit(io.nftlb.core.plan.Planner.create(RulesetCompiler.compile(List.of(farm)).ruleset().tables().get(0)));
            }
            List<String> sources = t.client().sourceAddresses6();
            Tally tally = t.client().tcp("fd00::40", 80).from(sources.toArray(String[]::new))
                    .count(sources.size() * 5).run();
            assertEquals(sources.size() * 5, tally.answered(), tally.toString());
            tally.backendsBySource().forEach((source, backends) ->
                    assertEquals(1, backends.size(), source + " went to " + backends + ": " + tally));
            assertEquals(Set.of("b0", "b1"), tally.backends(), "12 clients should spread over both: " + tally);
        }
    }
}
