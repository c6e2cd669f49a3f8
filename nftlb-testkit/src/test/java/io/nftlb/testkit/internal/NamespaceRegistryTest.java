package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespaceRegistryTest {
    private static final long SELF = 500;
    private static final Set<Long> ALIVE = Set.of(SELF, 600L);

    @Test
    void onlyTheKitsNamespacesOfDeadOrReusedPidsAreLeftovers() {
        List<String> present = List.of(
                "nftlbt-700-0", // dead pid
                "nftlbt-700-12", // dead pid
                "nftlbt-600-1", // another run, still going
                "nftlbt-500-3", // this pid, but not made by this JVM: a reused pid
                "nftlbt-500-4", // made by this JVM and in use
                "t1", // someone else's
                "nftlbt-x-1", // not our pattern
                "nftlbt-700", // not our pattern
                "other-700-1");

        List<String> leftovers = NamespaceRegistry.leftovers(present, SELF, "nftlbt-500-4"::equals, ALIVE::contains);

        assertEquals(List.of("nftlbt-500-3", "nftlbt-700-0", "nftlbt-700-12"), leftovers);
    }

    @Test
    void aHugePidDoesNotBreakTheSweep() {
        List<String> leftovers = NamespaceRegistry.leftovers(List.of("nftlbt-99999999999999999999999-0"), SELF,
                name -> false, ALIVE::contains);

        assertEquals(List.of(), leftovers);
    }
}
