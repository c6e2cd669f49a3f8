package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane killed (SIGKILL) in the middle of a storm of changes, then started again, under
 * traffic: each {@link ChangeStorm} process starts over what the one before left in the kernel
 * (whatever its last committed change was), converges to its base farms and storms on until it is
 * killed in turn. Short connections run from several workers throughout and each is checked; long
 * connections opened before the first storm must work after the last.
 */
@RequiresNetns
class MidStormKillIT {

    static final int KILLS = 8;
    /** Changes a storm commits before it may be killed: it is killed well into the storm, not at its start. */
    static final int COMMITTED_BEFORE_KILL = 300;
    static final int CLIENT_ADDRESSES = 16;

    @Test
    void killedMidStormAndRestartedLosesNoConnection(@TempDir Path dir) throws Exception {
        try (Topology t = Topology.builder().backends(4).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(ChangeStorm.VIP);
            t.balancer().addAddress(ChangeStorm.OTHER_VIP);
            String ns = t.balancer().namespace().name();
            try (LoadBalancer first = LoadBalancer.builder(io.nftlb.netlink.NetlinkTransport.openInNamespace(ns))
                    .farms(ChangeStorm.base()).open()) {
                assertEquals(1, first.farms().size()); // the rules stay in the kernel once it is closed
            }
            List<LongConnection> long_ = new ArrayList<>();
            Process storm = null;
            try {
                for (int i = 0; i < 4; i++) {
                    long_.add(t.client().openLongConnection(ChangeStorm.VIP, 80));
                }
                long committed = 0;
                try (BackgroundRequests traffic = t.client().tcp(ChangeStorm.VIP, 80).fromAllSourceAddresses()
                        .count(300).concurrency(6).inBackground()) {
                    for (int k = 0; k < KILLS; k++) {
                        Path log = dir.resolve("storm-" + k + ".log");
                        storm = start(ns, log);
                        committed += awaitCommitted(storm, log, COMMITTED_BEFORE_KILL);
                        storm.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL, commits in flight
                    }
                    // The last restart: converge once more and stop there.
                    Path log = dir.resolve("storm-last.log");
                    storm = start(ns, log);
                    awaitLine(storm, log, "started");
                    Tally tally = traffic.stop();
                    System.out.println("[MidStormKillIT] " + KILLS + " kills amid " + committed + " committed changes, under "
                            + tally.requests() + " connections: " + tally.failed() + " failed " + tally.failuresByReason());
                    assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                    assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                            + " connections failed over " + KILLS + " kills mid-storm, e.g. " + tally.outcomes().stream()
                            .filter(o -> o instanceof Tally.Failed).limit(3).toList());
                }
                for (LongConnection c : long_) {
                    assertEquals(c.backend() + " after", c.exchange("after"), "a long connection opened before");
                }
            } finally {
                if (storm != null) {
                    storm.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
                long_.forEach(LongConnection::close);
            }
        }
    }

    /** Starts a {@link ChangeStorm} in its own JVM. */
    private static Process start(String namespace, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ChangeStorm.class.getName(), namespace)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the storm has committed at least {@code n} changes; returns how many it said it had. */
    private static long awaitCommitted(Process p, Path log, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            long committed = Files.readAllLines(log).stream().filter(l -> l.startsWith("committed "))
                    .mapToLong(l -> Long.parseLong(l.substring("committed ".length()).trim())).max().orElse(0);
            if (committed >= n) {
                return committed;
            }
            assertAlive(p, log);
            Thread.sleep(20);
        }
        throw new AssertionError("the storm did not commit " + n + " changes within 120 s: " + Files.readString(log));
    }

    private static void awaitLine(Process p, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(log).contains(line)) {
                return;
            }
            assertAlive(p, log);
            Thread.sleep(20);
        }
        throw new AssertionError("the control plane did not start within 120 s: " + Files.readString(log));
    }

    private static void assertAlive(Process p, Path log) throws Exception {
        if (!p.isAlive()) {
            throw new AssertionError("the control plane exited with " + p.exitValue() + ": " + Files.readString(log));
        }
    }
}
