package io.nftlb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.RequiresNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark's harness works: every system's configuration, at 1 and 100 services,
 * carries short and persistent connections to the last service for a second. No timing is
 * checked; that is the benchmark's job ({@code nftlb-bench/run.sh}).
 */
@RequiresNetns
class DataPathSmokeIT {
    private static Harness harness;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : new String[] {"nginx", "wrk"}) {
            boolean found = Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found) {
                String reason = tool + " is not installed (Debian packages nginx-light and wrk)";
                if (Boolean.getBoolean("nftlb.requireNetns") || "true".equals(System.getenv("NFTLB_REQUIRE_NETNS"))) {
                    throw new IllegalStateException(reason);
                }
                Assumptions.abort(reason);
            }
        }
        work = Files.createTempDirectory("nftlb-bench-it-");
        harness = Harness.start(work);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    static Stream<String> systems() {
        return LbSystem.all().stream().map(LbSystem::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("systems")
    void connectionsSucceedAtOneAndAHundredServices(String name) throws Exception {
        LbSystem system = LbSystem.byName(name);
        if (system instanceof LbSystem.Lvs) {
            // ipvsadm in a fresh namespace, which also loads a modular ip_vs; /proc/sys/net/ipv4/vs is absent
            // until the module is loaded, so it is no evidence.
            KernelFeature.Evidence ipvs = KernelFeature.IP_VS.evidence();
            Assumptions.assumeTrue(ipvs.present(), ipvs.summary());
        }
        for (int n : new int[] {1, 100}) {
            String vip = Services.measured(n);
            system.configure(harness.balancer(), n, work);
            try {
                harness.flushConntrack();
                double[] connects = harness.connectLatencies(vip, 20);
                assertEquals(20, connects.length, name + " @ " + n + ": timed connects to " + vip);
                Harness.WrkResult close = harness.wrk(vip, true, Duration.ofSeconds(1), 1, 4);
                assertTrue(close.requests() > 0, name + " @ " + n + ": no short connection succeeded");
                assertEquals(0, close.errors(), name + " @ " + n + ": errors on short connections");
                Harness.WrkResult keep = harness.wrk(vip, false, Duration.ofSeconds(1), 1, 4);
                assertTrue(keep.requests() > 0, name + " @ " + n + ": no request on persistent connections");
                assertEquals(0, keep.errors(), name + " @ " + n + ": errors on persistent connections");
            } finally {
                system.clear(harness.balancer());
            }
        }
    }
}
