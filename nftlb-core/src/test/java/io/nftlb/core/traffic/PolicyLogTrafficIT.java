package io.nftlb.core.traffic;

import static io.nftlb.testkit.Reachability.assertAnswered;
import static io.nftlb.testkit.Reachability.assertDropped;
import static io.nftlb.testkit.Reachability.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Policy;
import io.nftlb.core.Rate;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A policy's log, at the balancer's ingress: each dropped SYN is a kernel log line with the
 * policy's prefix, and a log rate caps the lines but never lets a packet through. Prefixes are
 * random, as in {@link KernelLogTrafficIT}, so lines of earlier runs do not count.
 */
@RequiresNetns
class PolicyLogTrafficIT {

    private static String before;

    @BeforeAll
    static void logAllNamespaces() throws IOException {
        before = Files.readString(KernelLogTrafficIT.ALL_NAMESPACES).strip();
        Files.writeString(KernelLogTrafficIT.ALL_NAMESPACES, "1");
    }

    @AfterAll
    static void restore() throws IOException {
        if (before != null) {
            Files.writeString(KernelLogTrafficIT.ALL_NAMESPACES, before);
        }
    }

    @Test
    void eachDroppedPacketIsLoggedWithThePolicysPrefix() {
        String prefix = KernelLogTrafficIT.prefix("bl");
        try (Topology t = PolicyTrafficIT.topology()) {
            String bad = t.client().sourceAddresses().get(1);
            String good = t.client().sourceAddresses().get(2);
            try (LoadBalancer lb = PolicyTrafficIT.loadBalancer(t, PolicyTrafficIT.farms(t))) {
                lb.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(bad).log(prefix))
                        .join();
                assertDropped(connect(t, PolicyTrafficIT.VIP, bad), "blacklisted " + bad);
                assertAnswered(connect(t, PolicyTrafficIT.VIP, good), "not listed " + good);
            }
            List<String> lines = KernelLogTrafficIT.kernelLog(t, prefix);
            // A connect attempt gives up before its SYN is sent again: one SYN, one line, each.
            assertTrue(lines.size() >= 3, "a line per dropped SYN (3 attempts): " + lines);
            assertTrue(lines.stream().allMatch(l -> l.contains("SRC=" + bad + " ") && l.contains(" SYN ")),
                    "only the blacklisted source's SYNs are logged: " + lines);
        }
    }

    @Test
    void theLogsRateCapsItsLinesButEveryPacketIsStillDropped() {
        String prefix = KernelLogTrafficIT.prefix("capped");
        try (Topology t = PolicyTrafficIT.topology()) {
            String bad = t.client().sourceAddresses().get(1);
            try (LoadBalancer lb = PolicyTrafficIT.loadBalancer(t, PolicyTrafficIT.farms(t))) {
                // One line a minute after a burst of 1: six SYNs in a few seconds get at most 2 lines.
                lb.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(bad)
                        .log(prefix, Rate.perMinute(1).burst(1))).join();
                assertDropped(connect(t, PolicyTrafficIT.VIP, bad), "blacklisted " + bad + ", first round");
                assertDropped(connect(t, PolicyTrafficIT.VIP, bad), "blacklisted " + bad + " once the log's rate is spent");
            }
            List<String> lines = KernelLogTrafficIT.kernelLog(t, prefix);
            assertTrue(!lines.isEmpty() && lines.size() <= 2, "lines for 6 dropped SYNs at 1/minute, burst 1: "
                    + lines.size() + " " + lines);
            assertEquals(List.of(), lines.stream().filter(l -> !l.contains("SRC=" + bad + " ")).toList(),
                    "only the blacklisted source is logged");
        }
    }
}
