package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole path with real connections: DSL, model, compiler, nft text, {@code nft -f} in the
 * balancer's namespace, and a client whose connections are balanced over two backends.
 */
@RequiresNetns
class WalkingSkeletonIT {

    static final String VIP = "10.0.0.40";

    static List<String> alternating(int n) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("b" + (i % 2));
        }
        return expected;
    }

    @Test
    void dnatRoundRobinAlternatesAndBackendsSeeTheClient() {
        try (Topology topology = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start()) {
            topology.balancer().addAddress(VIP);
            Apply.farms(topology, Farm.dnat(VIP).port(80)
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11")));

            Tally tally = topology.client().connectTcp(VIP, 80, 100);

            assertEquals(100, tally.answered(), tally.toString());
            assertEquals(alternating(100), tally.sequence(), "strict round robin: " + tally);
            assertEquals(Map.of("b0", Set.of("10.0.0.2"), "b1", Set.of("10.0.0.2")), tally.peersByBackend(),
                    "dnat is transparent: " + tally);
        }
    }

    @Test
    void snatRoundRobinAlternatesAndBackendsSeeTheBalancer() {
        try (Topology topology = Topology.builder().backends(2).returnPath(ReturnPath.NONE).start()) {
            topology.balancer().addAddress(VIP);
            Apply.farms(topology, Farm.snat(VIP).port(80)
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11")));

            Tally tally = topology.client().connectTcp(VIP, 80, 100);

            assertEquals(100, tally.answered(), tally.toString());
            assertEquals(alternating(100), tally.sequence(), "strict round robin: " + tally);
            assertEquals(Map.of("b0", Set.of("10.1.0.1"), "b1", Set.of("10.1.0.1")), tally.peersByBackend(),
                    "snat hides the client: " + tally);
        }
    }
}
