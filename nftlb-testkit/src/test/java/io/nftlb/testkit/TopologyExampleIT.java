package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example of {@link Topology}'s Javadoc, kept compiling and passing (README.md's is in nftlb-core's tests). */
@RequiresNetns
class TopologyExampleIT {
    @Test
    void dnatAlternatesBackends() {
        try (Topology topology = Topology.builder().backends(2).start()) {
            topology.balancer().addAddress("10.0.0.40");
            topology.balancer().namespace().nft("""
                table ip lb {
                  chain pre { type nat hook prerouting priority dstnat;
                    ip daddr 10.0.0.40 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 10.1.0.10, 1 : 10.1.0.11 }
                  }
                }
                """);

            Tally tally = topology.client().connectTcp("10.0.0.40", 80, 10);

            assertEquals(List.of("b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1"), tally.sequence(), tally.toString());
            assertEquals(Set.of("10.0.0.2"), tally.peersByBackend().get("b0"));   // dNAT keeps the client address
        }
    }

    @Test
    void rulesetLoads(NetworkNamespace netns) {       // a fresh namespace, removed after the test
        netns.nft("table ip t { chain c { type filter hook input priority 0; }; }");
        assertTrue(netns.listRuleset().contains("table ip t"));
    }
}
