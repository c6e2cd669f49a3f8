package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Inspection;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log lines farms write are in the kernel log: one per new connection with the farm's
 * prefix, no more than the log's rate allows, and one per connection over a limit whose verdict
 * only logs. Each test's prefix is random, so lines of earlier runs in the host's kernel log do
 * not count.
 */
@RequiresNetns
class KernelLogTrafficIT {

    static final String VIP = LimitsTrafficIT.VIP;
    /**
     * The kernel writes log lines of namespaces other than the host's only with this host-wide
     * switch on; the test turns it on and puts it back as it was.
     */
    static final Path ALL_NAMESPACES = Path.of("/proc/sys/net/netfilter/nf_log_all_netns");
    private static String before;

    @BeforeAll
    static void logAllNamespaces() throws IOException {
        before = Files.readString(ALL_NAMESPACES).strip();
        Files.writeString(ALL_NAMESPACES, "1");
    }

    @AfterAll
    static void restore() throws IOException {
        if (before != null) {
            Files.writeString(ALL_NAMESPACES, before);
        }
    }

    // The logs that must not drop lines get a burst of 100: the kernel's default burst is 5, and
    // connections made back to back arrive faster than 1,000 a second.
    @Test
    void eachNewConnectionIsLoggedOnceWithTheFarmsPrefix() {
        String prefix = prefix("new");
        try (Topology t = LimitsTrafficIT.topology(1)) {
            Apply.farms(t, LimitsTrafficIT.farm().inspection(Inspection.none().log(prefix, Rate.perSecond(1000).burst(100))));
            Tally tally = t.client().tcp(VIP, 80).count(5).run();
            List<String> lines = kernelLog(t, prefix);
            assertEquals(5, tally.answered(), tally.toString());
            assertEquals(5, lines.size(), "lines logged for 5 connections (one per SYN, none for later packets): " + lines);
            for (String line : lines) {
                assertTrue(line.contains("PROTO=TCP") && line.contains("DPT=80") && line.contains(" SYN "),
                        "a log line of a new connection to port 80: " + line);
            }
        }
    }

    @Test
    void theLogsRateCapsItsLinesButNotTheConnections() {
        String prefix = prefix("capped");
        try (Topology t = LimitsTrafficIT.topology(1)) {
            // One line a minute after a burst of 2: 12 connections in a second get at most 3 lines.
            Apply.farms(t, LimitsTrafficIT.farm().inspection(
                    Inspection.none().log(prefix, Rate.perMinute(1).burst(2))));
            Tally tally = t.client().tcp(VIP, 80).count(12).run();
            List<String> lines = kernelLog(t, prefix);
            assertEquals(12, tally.answered(), "logging must not refuse connections: " + tally);
            assertTrue(!lines.isEmpty() && lines.size() <= 3,
                    "lines logged for 12 connections at 1/minute, burst 2: " + lines.size() + " " + lines);
        }
    }

    @Test
    void aLogWithoutARateLogsEveryNewConnection() {
        String prefix = prefix("all");
        try (Topology t = LimitsTrafficIT.topology(1)) {
            Apply.farms(t, LimitsTrafficIT.farm().inspection(Inspection.none().log(prefix)));
            Tally tally = t.client().tcp(VIP, 80).count(12).run();
            List<String> lines = kernelLog(t, prefix);
            assertEquals(12, tally.answered(), tally.toString());
            assertEquals(12, lines.size(), "no rate: a line for each of 12 connections made back to back: " + lines);
        }
    }

    @Test
    void aLimitThatOnlyLogsLetsEveryConnectionThroughAndLogsThoseOverIt() {
        String prefix = prefix("over");
        try (Topology t = LimitsTrafficIT.topology(1)) {
            Apply.farms(t, LimitsTrafficIT.farm().limits(Limits.none()
                    .newConnections(Rate.perMinute(1).burst(2))
                    .verdict(Limits.Verdict.LOG)
                    .log(prefix, Rate.perSecond(1000).burst(100))));
            Tally tally = t.client().tcp(VIP, 80).count(10).connectTimeout(LimitsTrafficIT.REFUSED_AFTER).run();
            List<String> lines = kernelLog(t, prefix);
            List<Long> counters = LimitsTrafficIT.counters(t);
            assertEquals(10, tally.answered(), "verdict LOG must not refuse connections: " + tally);
            // The rate check's counter counts the connections over it; each of them has one line.
            long over = counters.stream().mapToLong(Long::longValue).sum();
            assertTrue(over >= 6 && over <= 8, "connections over 1/minute burst 2, of 10 (counters " + counters + ")");
            assertEquals(over, lines.size(), "one line per connection over the limit: " + lines);
            assertTrue(lines.stream().allMatch(l -> l.contains(prefix + "rate ")),
                    "lines name the limit they are about (\"rate\"): " + lines);
        }
    }

    /** A prefix no earlier run has logged. */
    static String prefix(String what) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "t" + HexFormat.of().formatHex(random) + "-" + what + " ";
    }

    /** The kernel log's lines with this prefix (there is one log for all namespaces). */
    static List<String> kernelLog(Topology t, String prefix) {
        return t.balancer().namespace().execOrThrow("dmesg").stdout().lines().filter(l -> l.contains(prefix)).toList();
    }
}
