package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class GuardTest {

    static final Target TARGET = new Target("f", "b", new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
            Duration.ofMillis(100), ProbeNetwork.current());

    @Test
    void aProbeThatStartsTooLateIsUnknownNotDown() {
        // An executor starved for 300 ms: the check itself would have answered at once.
        Executor starved = task -> Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        });
        HealthResult r = Guard.probe(t -> HealthResult.up("fine"), TARGET, starved, InstantSource.system());
        assertEquals(HealthResult.Status.UNKNOWN, r.status());
        assertTrue(r.reason().startsWith("monitor overloaded"), r.reason());
    }

    @Test
    void aProbeThatStartsOnTimeAndHangsIsDown() {
        Executor prompt = task -> Thread.ofVirtual().start(task);
        HealthResult r = Guard.probe(t -> {
            Thread.sleep(10_000);
            return HealthResult.up("never");
        }, TARGET, prompt, InstantSource.system());
        assertEquals(HealthResult.down("timed out after 100 ms").status(), r.status());
        assertTrue(r.reason().startsWith("timed out after 100 ms"), r.reason());
    }
}
