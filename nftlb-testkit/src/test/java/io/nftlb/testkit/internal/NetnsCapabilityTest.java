package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.internal.NetnsCapability.Decision;
import io.nftlb.testkit.internal.NetnsCapability.Privileges;
import io.nftlb.testkit.internal.NetnsCapability.Verdict;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class NetnsCapabilityTest {
    private static final Privileges ROOT = new Privileges(0, 0x1ffffffffffL);
    private static final Privileges USER = new Privileges(1000, 0);
    private static final boolean CI = true;
    private static final boolean LAPTOP = false;

    private final AtomicInteger probes = new AtomicInteger();

    private Supplier<Optional<String>> probe(Optional<String> outcome) {
        return () -> {
            probes.incrementAndGet();
            return outcome;
        };
    }

    @Test
    void unprivilegedOutsideCiIsSkippedWithTheUid() {
        Decision decision = NetnsCapability.decide(LAPTOP, USER, probe(Optional.empty()));

        assertEquals(Verdict.SKIP, decision.verdict());
        assertTrue(decision.reason().contains("needs root"), decision.reason());
        assertTrue(decision.reason().contains("uid=1000"), decision.reason());
        assertEquals(0, probes.get(), "no probe without privileges");
    }

    @Test
    void unprivilegedInCiFails() {
        Decision decision = NetnsCapability.decide(CI, USER, probe(Optional.empty()));

        assertEquals(Verdict.FAIL, decision.verdict());
        assertTrue(decision.reason().contains("uid=1000"), decision.reason());
        assertTrue(decision.reason().contains("nftlb.requireNetns=true"), decision.reason());
    }

    @Test
    void rootWithWorkingProbeRunsEvenInCi() {
        assertEquals(new Decision(Verdict.RUN, ""), NetnsCapability.decide(CI, ROOT, probe(Optional.empty())));
        assertEquals(new Decision(Verdict.RUN, ""), NetnsCapability.decide(LAPTOP, ROOT, probe(Optional.empty())));
        assertEquals(2, probes.get());
    }

    @Test
    void rootWithFailingProbeSkipsOrFailsWithTheProbesReason() {
        Optional<String> noNft = Optional.of("`nft` not found (install nftables)");

        Decision skipped = NetnsCapability.decide(LAPTOP, ROOT, probe(noNft));
        Decision failed = NetnsCapability.decide(CI, ROOT, probe(noNft));

        assertEquals(Verdict.SKIP, skipped.verdict());
        assertEquals(noNft.get(), skipped.reason());
        assertEquals(Verdict.FAIL, failed.verdict());
        assertTrue(failed.reason().startsWith(noNft.get()), failed.reason());
    }

    @Test
    void capabilitiesWithoutRootAreEnough() {
        long netAndSysAdmin = 1L << NetnsCapability.CAP_NET_ADMIN | 1L << NetnsCapability.CAP_SYS_ADMIN;
        Privileges capable = new Privileges(1000, netAndSysAdmin);

        assertEquals(Verdict.RUN, NetnsCapability.decide(CI, capable, probe(Optional.empty())).verdict());
    }

    @Test
    void oneCapabilityIsNotEnoughAndTheMissingOneIsNamed() {
        Privileges netAdminOnly = new Privileges(1000, 1L << NetnsCapability.CAP_NET_ADMIN);

        Decision decision = NetnsCapability.decide(LAPTOP, netAdminOnly, probe(Optional.empty()));

        assertEquals(Verdict.SKIP, decision.verdict());
        assertTrue(decision.reason().contains("missing CAP_SYS_ADMIN"), decision.reason());
        assertFalse(decision.reason().contains("CAP_NET_ADMIN,"), decision.reason());
    }

    @Test
    void onlyTheProjectsOwnSwitchRequiresKernelTests() {
        Properties none = new Properties();
        Properties on = new Properties();
        on.setProperty("nftlb.requireNetns", "true");
        Properties off = new Properties();
        off.setProperty("nftlb.requireNetns", "false");

        assertTrue(NetnsCapability.required(on, Map.of()));
        assertTrue(NetnsCapability.required(none, Map.of("NFTLB_REQUIRE_NETNS", "TRUE")));
        assertFalse(NetnsCapability.required(off, Map.of()));
        assertFalse(NetnsCapability.required(none, Map.of("NFTLB_REQUIRE_NETNS", "")));
        assertFalse(NetnsCapability.required(none, Map.of("CI", "true")), "hosted CI sets CI=true for everyone");
        assertFalse(NetnsCapability.required(none, Map.of()));
    }

    @Test
    void privilegesAreParsedFromProcStatus() {
        String status = """
                Name:\tjava
                Uid:\t1000\t0\t0\t0
                Gid:\t1000\t1000\t1000\t1000
                CapInh:\t0000000000000000
                CapEff:\t0000000000201000
                """;

        Privileges privileges = Privileges.parse(status);

        assertEquals(0, privileges.uid(), "the effective uid counts");
        assertTrue(privileges.has(NetnsCapability.CAP_NET_ADMIN));
        assertTrue(privileges.has(NetnsCapability.CAP_SYS_ADMIN));
        assertFalse(privileges.has(0));
    }
}
