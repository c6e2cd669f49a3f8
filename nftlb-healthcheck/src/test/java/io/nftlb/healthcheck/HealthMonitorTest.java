package io.nftlb.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {

    static final Farm FARM = Farm.dnat("10.0.0.1").port(80).named("web")
            .backends(Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12").weight(3));

    /** Records what reached the sink. */
    static final class RecordingSink implements BackendStateSink {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized void stateChanged(String farm, String backend, BackendState state) {
            calls.add(farm + "/" + backend + " " + state);
        }

        @Override
        public synchronized void weightsChanged(String farm, Map<String, Integer> weights) {
            calls.add(farm + " weights " + new java.util.TreeMap<>(weights));
        }
    }

    final FakeClock clock = FakeClock.create();
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final RecordingSink sink = new RecordingSink();
    final Map<String, Boolean> healthy = new ConcurrentHashMap<>(Map.of("b1", true, "b2", true));
    final List<StateChange> changes = new ArrayList<>();
    final HealthCheck scripted = HealthCheck.named("scripted", t -> healthy.get(t.backend())
            ? HealthResult.up("fine") : HealthResult.down("broken"));

    HealthMonitor monitor(CheckPolicy policy) {
        return HealthMonitor.builder(sink).watch(FARM, policy).clock(clock).scheduler(scheduler)
                .executor(Runnable::run).spreadFirstProbes(false).coalesce(Duration.ofMillis(100))
                .listener(changes::add).build();
    }

    @Test
    void goesDownAfterFallFailuresAndUpAfterRiseSuccesses() {
        try (var m = monitor(CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)).rise(2).fall(3))) {
            m.start();
            scheduler.advance(Duration.ZERO); // probe at t=0
            healthy.put("b1", false);
            scheduler.advance(Duration.ofSeconds(1)); // t=1: 1st failure
            scheduler.advance(Duration.ofSeconds(1)); // t=2: 2nd failure
            assertEquals(BackendState.UP, m.state("web", "b1"), "two failures are not enough with fall 3");
            scheduler.advance(Duration.ofSeconds(1)); // t=3: 3rd failure -> DOWN
            assertEquals(BackendState.DOWN, m.state("web", "b1"));
            assertEquals(List.of(), sink.calls, "the sink hears it after the coalescing window, not at once");
            scheduler.advance(Duration.ofMillis(100));
            assertEquals(List.of("web/b1 DOWN"), sink.calls);
            assertEquals(1, changes.size());
            assertEquals("scripted", changes.getFirst().check());
            assertEquals("broken", changes.getFirst().cause().reason());

            healthy.put("b1", true);
            scheduler.advance(Duration.ofMillis(900)); // 1st success
            assertEquals(BackendState.DOWN, m.state("web", "b1"));
            scheduler.advance(Duration.ofSeconds(1)); // 2nd success -> UP
            assertEquals(BackendState.UP, m.state("web", "b1"));
            scheduler.advance(Duration.ofSeconds(1));
            assertEquals(List.of("web/b1 DOWN", "web/b1 UP"), sink.calls);
            assertEquals(BackendState.UP, m.state("web", "b2"), "b2 never failed");
        }
    }

    @Test
    void aSuccessInTheMiddleResetsTheFallCount() {
        try (var m = monitor(CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)).fall(2))) {
            m.start();
            scheduler.advance(Duration.ofMillis(500));
            for (int i = 0; i < 10; i++) {
                healthy.put("b1", i % 2 == 0); // alternate: never two failures in a row
                scheduler.advance(Duration.ofSeconds(1));
            }
            assertEquals(BackendState.UP, m.state("web", "b1"));
            assertEquals(List.of(), changes);
        }
    }

    @Test
    void aFlapWithinTheCoalescingWindowReachesTheSinkAsNothing() {
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(scripted).interval(Duration.ofMillis(100))
                        .rise(1).fall(1)).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .spreadFirstProbes(false).coalesce(Duration.ofSeconds(1)).listener(changes::add).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofMillis(50));
            healthy.put("b1", false);
            scheduler.advance(Duration.ofMillis(100)); // DOWN
            healthy.put("b1", true);
            scheduler.advance(Duration.ofMillis(100)); // UP again
            scheduler.advance(Duration.ofSeconds(2));
            assertEquals(2, changes.size(), "listeners hear every change");
            assertEquals(List.of(), sink.calls, "the sink only hears the latest state, which it already has");
        }
    }

    @Test
    void aCheckThatThrowsIsDownWithAReasonNamingIt() {
        HealthCheck broken = HealthCheck.named("broken-plugin", t -> {
            throw new IllegalStateException("oops");
        });
        try (var m = monitor(CheckPolicy.of(broken).fall(1))) {
            m.start();
            scheduler.advance(Duration.ofMillis(1));
            assertEquals(BackendState.DOWN, m.state("web", "b1"));
            String reason = m.lastResult("web", "b1").orElseThrow().reason();
            assertTrue(reason.contains("broken-plugin") && reason.contains("oops"), reason);
        }
    }

    @Test
    void aCheckThatReturnsNullIsDown() {
        try (var m = monitor(CheckPolicy.of(HealthCheck.named("null-plugin", t -> null)).fall(1))) {
            m.start();
            scheduler.advance(Duration.ofMillis(1));
            assertEquals(BackendState.DOWN, m.state("web", "b2"));
            assertTrue(m.lastResult("web", "b2").orElseThrow().reason().contains("null-plugin"));
        }
    }

    @Test
    void aCheckThatHangsTimesOutAndIsInterrupted() throws Exception {
        var interrupted = new java.util.concurrent.CountDownLatch(2);
        HealthCheck hangs = HealthCheck.named("hangs", t -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return HealthResult.up("never");
        });
        // Real threads for the probe (a timeout needs a second thread), fake time for the schedule.
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(hangs).timeout(Duration.ofMillis(50))
                .fall(1)).clock(clock).scheduler(scheduler).spreadFirstProbes(false).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofMillis(1));
            var latch = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 3000 && monitor.lastResult("web", "b1").isEmpty(); i++) { // a 30 s guard
                latch.await(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            String reason = monitor.lastResult("web", "b1").orElseThrow().reason();
            assertTrue(reason.startsWith("timed out after 50 ms"), reason);
            // The 60 s probes end only by interruption: the wait is a guard against hanging, not a timing claim.
            assertTrue(interrupted.await(30, java.util.concurrent.TimeUnit.SECONDS), "hanging probes are interrupted");
        }
    }

    @Test
    void jitterDelaysProbesWithinItsBound() {
        List<java.time.Instant> probes = new ArrayList<>();
        HealthCheck recording = t -> {
            if (t.backend().equals("b1")) {
                probes.add(clock.instant());
            }
            return HealthResult.up("ok");
        };
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(recording).interval(Duration.ofSeconds(1))
                        .jitter(Duration.ofMillis(300))).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .random(new java.util.Random(42)).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofSeconds(60));
        }
        assertTrue(probes.size() >= 45 && probes.size() <= 60, "probes: " + probes.size());
        for (int i = 1; i < probes.size(); i++) {
            long gap = Duration.between(probes.get(i - 1), probes.get(i)).toMillis();
            assertTrue(gap >= 1000 && gap <= 1300, "gap " + gap + " ms");
        }
    }

    @Test
    void weightsReachTheSinkOnlyWhenTheyChange() {
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)))
                .estimate("web", WeightEstimator.fixed()).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .spreadFirstProbes(false).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofSeconds(10));
            assertEquals(List.of("web weights {b1=1, b2=3}"), sink.calls);
            assertEquals(Map.of("b1", 1, "b2", 3), monitor.weights("web"));
        }
    }

    @Test
    void aBrokenEstimatorKeepsThePreviousWeights() {
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        WeightEstimator flaky = (farm, obs) -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("counter unavailable");
            }
            return Map.of("b1", 7, "b2", 20_000);
        };
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(scripted).interval(Duration.ofSeconds(1)))
                .estimate("web", flaky).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .spreadFirstProbes(false).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofSeconds(5));
            assertTrue(calls.get() >= 4);
            assertEquals(List.of("web weights {b1=7, b2=" + Backend.MAX_WEIGHT + "}"), sink.calls,
                    "clamped once, then kept while the estimator fails");
        }
    }

    @Test
    void aPolicyMayProbeAnotherAddressAndPort() {
        List<String> seen = new ArrayList<>();
        HealthCheck recording = t -> {
            seen.add(t.backend() + "@" + t.address().getAddress().getHostAddress() + ":" + t.address().getPort());
            return HealthResult.up("ok");
        };
        try (var m = monitor(CheckPolicy.of(recording))) {
            m.start();
            scheduler.advance(Duration.ZERO);
        }
        assertEquals(List.of("b1@10.1.0.11:80", "b2@10.1.0.12:80"), seen, "the farm's port by default");
        seen.clear();
        try (var m = monitor(CheckPolicy.of(recording).address("192.0.2.1").port(8080))) {
            m.start();
            scheduler.advance(Duration.ZERO);
        }
        assertEquals(List.of("b1@192.0.2.1:8080", "b2@192.0.2.1:8080"), seen);
    }

    @Test
    void aFailingSinkIsRetriedUntilItTakesTheState() {
        var failures = new java.util.concurrent.atomic.AtomicInteger(2);
        var flaky = new BackendStateSink() {
            @Override
            public void stateChanged(String farm, String backend, BackendState state) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("runtime busy");
                }
                sink.stateChanged(farm, backend, state);
            }

            @Override
            public void weightsChanged(String farm, Map<String, Integer> weights) {
            }
        };
        var monitor = HealthMonitor.builder(flaky).watch(FARM, CheckPolicy.of(scripted).fall(1))
                .clock(clock).scheduler(scheduler).executor(Runnable::run).spreadFirstProbes(false)
                .coalesce(Duration.ofMillis(100)).build();
        try (monitor) {
            healthy.put("b1", false);
            monitor.start();
            scheduler.advance(Duration.ofSeconds(5));
            assertEquals(List.of("web/b1 DOWN"), sink.calls, "delivered once, after two failures");
        }
    }

    @Test
    void backendsWithoutAnyPortAreRefused() {
        Farm multiport = Farm.dnat("10.0.0.1").ports(80, 443).named("mp").backends(Backend.of("b1", "10.1.0.11"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HealthMonitor.builder(sink).watch(multiport, CheckPolicy.of(scripted)).build());
        assertTrue(e.getMessage().contains("\"b1\" has no port to probe"), e.getMessage());
    }

    @Test
    void leastResponseTimeWeighsBySmoothedProbeLatency() {
        // b1 answers in 10 ms, b2 in 40 ms (the check moves the fake clock): weights 100 : 25.
        HealthCheck slowB2 = t -> {
            clock.advance(Duration.ofMillis(t.backend().equals("b1") ? 10 : 40));
            return HealthResult.up("ok");
        };
        var monitor = HealthMonitor.builder(sink).watch(FARM, CheckPolicy.of(slowB2).interval(Duration.ofSeconds(1)))
                .estimate("web", WeightEstimator.leastResponseTime()).clock(clock).scheduler(scheduler)
                .executor(Runnable::run).spreadFirstProbes(false).build();
        try (monitor) {
            monitor.start();
            scheduler.advance(Duration.ofSeconds(10));
            assertEquals(Map.of("b1", 100, "b2", 25), monitor.weights("web"));
            assertEquals(List.of("web weights {b1=100, b2=25}"), sink.calls, "steady latencies, no further changes");
        }
    }

    @Test
    void updatingAFarmProbesNewBackendsForgetsRemovedOnesAndKeepsTheRest() {
        List<String> probed = new ArrayList<>();
        healthy.put("b3", true);
        HealthCheck recording = t -> {
            probed.add(t.backend());
            return healthy.get(t.backend()) ? HealthResult.up("ok") : HealthResult.down("broken");
        };
        try (var m = monitor(CheckPolicy.of(recording).interval(Duration.ofSeconds(1)).fall(1))) {
            m.start();
            healthy.put("b1", false);
            scheduler.advance(Duration.ofMillis(500));
            assertEquals(BackendState.DOWN, m.state("web", "b1"));

            m.update(FARM.backends(Backend.of("b1", "10.1.0.11"), Backend.of("b3", "10.1.0.13")));
            probed.clear();
            scheduler.advance(Duration.ofSeconds(3));
            assertEquals(BackendState.DOWN, m.state("web", "b1"), "an unchanged backend keeps its state");
            assertEquals(BackendState.UP, m.state("web", "b3"));
            assertTrue(probed.contains("b3") && probed.contains("b1") && !probed.contains("b2"), probed.toString());
            assertThrows(IllegalArgumentException.class, () -> m.state("web", "b2"));
            assertThrows(IllegalArgumentException.class, () -> m.update(FARM.named("other")));
        }
    }

    @Test
    void unknownResultsCountNeitherWay() {
        var script = new java.util.ArrayDeque<>(List.of(HealthResult.down("x"), HealthResult.unknown("overloaded"),
                HealthResult.down("x"), HealthResult.unknown("overloaded"), HealthResult.down("x")));
        HealthCheck scriptedB1 = t -> t.backend().equals("b1") && !script.isEmpty() ? script.poll() : HealthResult.up("ok");
        try (var m = monitor(CheckPolicy.of(scriptedB1).interval(Duration.ofSeconds(1)).fall(3))) {
            m.start();
            scheduler.advance(Duration.ofSeconds(3)); // down, unknown, down, unknown
            assertEquals(BackendState.UP, m.state("web", "b1"), "two failures, the unknowns in between ignored");
            scheduler.advance(Duration.ofSeconds(1)); // third failure in a row, not counting unknowns
            assertEquals(BackendState.DOWN, m.state("web", "b1"));
        }
    }
}
