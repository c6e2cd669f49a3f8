package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.healthcheck.Observation;
import io.nftlb.healthcheck.WeightEstimator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class EstimatorsTest {

    static Observation up(String name) {
        return new Observation(name, true, 1, Optional.empty(), OptionalDouble.empty());
    }

    static Observation latency(String name, long millis) {
        return new Observation(name, true, 1, Optional.of(Duration.ofMillis(millis)), OptionalDouble.empty());
    }

    static Observation load(String name, double load) {
        return new Observation(name, true, 1, Optional.empty(), OptionalDouble.of(load));
    }

    @Test
    void leastConnectionsIsInverselyProportionalToOnePlusConnections() throws Exception {
        var e = WeightEstimator.leastConnections(farm -> Map.of("a", 0L, "b", 1L, "c", 3L));
        // scores 1, 1/2, 1/4 -> the best gets BASE = 100
        assertEquals(Map.of("a", 100, "b", 50, "c", 25), e.estimate("f", List.of(up("a"), up("b"), up("c"))));
    }

    @Test
    void leastConnectionsIgnoresDownBackendsWhenScaling() throws Exception {
        var e = WeightEstimator.leastConnections(farm -> Map.of("b", 9L, "c", 19L));
        var down = new Observation("a", false, 1, Optional.empty(), OptionalDouble.empty());
        assertEquals(Map.of("a", 100, "b", 100, "c", 50), e.estimate("f", List.of(down, up("b"), up("c"))));
    }

    @Test
    void leastResponseTimeIsInverselyProportionalToLatency() throws Exception {
        var e = WeightEstimator.leastResponseTime();
        assertEquals(Map.of("a", 100, "b", 50, "c", 100),
                e.estimate("f", List.of(latency("a", 10), latency("b", 20), up("c"))),
                "an unknown latency gets the best weight");
    }

    @Test
    void leastCpuLoadIsProportionalToIdleAndNeverZero() throws Exception {
        var e = WeightEstimator.leastCpuLoad();
        assertEquals(Map.of("a", 100, "b", 50, "c", 1),
                e.estimate("f", List.of(load("a", 0.2), load("b", 0.6), load("c", 1.0))));
    }

    @Test
    void smoothingMovesHalfWayAndSettles() throws Exception {
        var counts = new java.util.concurrent.atomic.AtomicLong(0);
        var e = WeightEstimator.leastConnections(farm -> Map.of("a", 0L, "b", counts.get()));
        assertEquals(Map.of("a", 100, "b", 100), e.estimate("f", List.of(up("a"), up("b"))));
        counts.set(3); // target for b: 25
        assertEquals(63, e.estimate("f", List.of(up("a"), up("b"))).get("b"), "half way: 100 -> 63 (target 25)");
        assertEquals(44, e.estimate("f", List.of(up("a"), up("b"))).get("b"));
        int last = -1;
        for (int i = 0; i < 20; i++) {
            last = e.estimate("f", List.of(up("a"), up("b"))).get("b");
        }
        assertTrue(Math.abs(last - 25) <= 3, "settles near the target: " + last);
        int settled = last;
        for (int i = 0; i < 5; i++) {
            assertEquals(settled, e.estimate("f", List.of(up("a"), up("b"))).get("b"), "no oscillation once settled");
        }
    }

    @Test
    void noiseSmallerThanTheDeadbandDoesNotMoveWeights() throws Exception {
        var counts = new java.util.concurrent.atomic.AtomicLong(19);
        var e = WeightEstimator.leastConnections(farm -> Map.of("a", 19L, "b", counts.get()));
        Map<String, Integer> first = e.estimate("f", List.of(up("a"), up("b")));
        for (long c : new long[] {19, 20, 19, 18, 19, 20}) { // +-5% around the same load
            counts.set(c);
            assertEquals(first, e.estimate("f", List.of(up("a"), up("b"))), "count " + c);
        }
    }

    @Test
    void fixedIsTheConfiguredWeights() throws Exception {
        var o = new Observation("a", false, 7, Optional.empty(), OptionalDouble.empty());
        assertEquals(Map.of("a", 7), WeightEstimator.fixed().estimate("f", List.of(o)));
    }
}
