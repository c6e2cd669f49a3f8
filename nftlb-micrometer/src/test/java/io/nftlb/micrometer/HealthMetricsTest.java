package io.nftlb.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Probe latency by result, health state and state changes, from a monitor on a fake clock. */
class HealthMetricsTest {

    @Test
    void probesStatesAndTransitionsAreMetered() {
        FakeClock clock = FakeClock.create();
        FakeScheduler scheduler = new FakeScheduler(clock);
        boolean[] healthy = {true};
        HealthCheck scripted = HealthCheck.named("scripted", t -> {
            clock.advance(Duration.ofMillis(4));
            return healthy[0] ? HealthResult.up("fine") : HealthResult.down("broken");
        });
        Farm farm = Farm.dnat("10.0.0.1").port(80).named("web").backends(Backend.of("b1", "10.1.0.11"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HealthMonitor m = HealthMonitor.builder(new BackendStateSink() {
            @Override
            public void stateChanged(String f, String b, BackendState s) {}

            @Override
            public void weightsChanged(String f, Map<String, Integer> w) {}
        }).watch(farm, CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)).fall(2)).clock(clock)
                .scheduler(scheduler).executor(Runnable::run).spreadFirstProbes(false).build()) {
            new HealthMetrics(m).bindTo(registry);
            m.start();
            scheduler.advance(Duration.ZERO);
            assertEquals(1.0, registry.get(MeterNames.HEALTH_STATE).tags("farm", "web", "backend", "b1").gauge().value());
            healthy[0] = false;
            scheduler.advance(Duration.ofSeconds(1));
            scheduler.advance(Duration.ofSeconds(1));
            assertEquals(0.0, registry.get(MeterNames.HEALTH_STATE).tags("farm", "web", "backend", "b1").gauge().value());
            Timer up = registry.get(MeterNames.HEALTH_PROBES).tags("farm", "web", "backend", "b1", "result", "up").timer();
            Timer down = registry.get(MeterNames.HEALTH_PROBES).tags("result", "down").timer();
            assertEquals(1, up.count());
            assertEquals(2, down.count());
            assertEquals(8.0, down.totalTime(TimeUnit.MILLISECONDS));
            assertEquals(1.0, registry.get(MeterNames.HEALTH_TRANSITIONS).tags("to", "DOWN").counter().count());
            assertTrue(registry.find(MeterNames.HEALTH_TRANSITIONS).tags("to", "UP").counters().isEmpty());
        }
    }
}
