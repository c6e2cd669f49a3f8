package io.nftlb.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Listeners hear every probe, with its result, latency and the state after it. */
class ProbeEventsTest {

    final FakeClock clock = FakeClock.create();
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final List<String> events = new ArrayList<>();

    @Test
    void everyProbeIsToldAfterTheStateChangeItCaused() {
        Farm farm = Farm.dnat("10.0.0.1").port(80).named("web").backends(Backend.of("b1", "10.1.0.11"));
        boolean[] healthy = {true};
        HealthCheck scripted = HealthCheck.named("scripted", t -> {
            clock.advance(Duration.ofMillis(7)); // the probe takes 7 ms on the monitor's clock
            return healthy[0] ? HealthResult.up("fine") : HealthResult.down("broken");
        });
        HealthListener listener = new HealthListener() {
            @Override
            public void stateChanged(StateChange change) {
                events.add("changed " + change.to() + " " + change.cause().reason());
            }

            @Override
            public void probed(Probe p) {
                events.add(p.farm() + "/" + p.backend() + " " + p.check() + " " + p.result().status() + " "
                        + p.result().latency().toMillis() + "ms -> " + p.state());
            }
        };
        try (HealthMonitor m = HealthMonitor.builder(new BackendStateSink() {
            @Override
            public void stateChanged(String f, String b, BackendState s) {}

            @Override
            public void weightsChanged(String f, Map<String, Integer> w) {}
        }).watch(farm, CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)).fall(2)).clock(clock)
                .scheduler(scheduler).executor(Runnable::run).spreadFirstProbes(false).listener(listener).build()) {
            m.start();
            scheduler.advance(Duration.ZERO);
            healthy[0] = false;
            scheduler.advance(Duration.ofSeconds(1));
            scheduler.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(
                "web/b1 scripted UP 7ms -> UP",
                "web/b1 scripted DOWN 7ms -> UP",
                "changed DOWN broken",
                "web/b1 scripted DOWN 7ms -> DOWN"), events);
    }
}
