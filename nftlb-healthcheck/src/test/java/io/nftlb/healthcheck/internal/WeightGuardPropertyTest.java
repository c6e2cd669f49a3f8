package io.nftlb.healthcheck.internal;

import io.nftlb.core.Backend;
import io.nftlb.healthcheck.Observation;
import io.nftlb.healthcheck.WeightEstimator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever an estimator says, what reaches the runtime is within bounds and never all zero. */
class WeightGuardPropertyTest {

    @Property(tries = 300)
    boolean anyAnswerIsClampedAndNeverAllZero(@ForAll("observations") List<Observation> obs,
                                              @ForAll("answers") Map<String, Integer> answer,
                                              @ForAll("answers") Map<String, Integer> previous) {
        return lawful(obs, WeightGuard.apply(obs, answer, previous));
    }

    @Property(tries = 100)
    boolean builtInEstimatorsStayLawfulOverTime(@ForAll("observationRuns") List<List<Observation>> runs,
                                                @ForAll("counts") Map<String, Long> counts) {
        List<WeightEstimator> all = List.of(WeightEstimator.leastConnections(f -> counts),
                WeightEstimator.leastResponseTime(), WeightEstimator.leastCpuLoad(), WeightEstimator.fixed());
        for (WeightEstimator e : all) {
            Map<String, Integer> prev = Map.of();
            for (List<Observation> obs : runs) {
                Map<String, Integer> raw;
                try {
                    raw = e.estimate("f", obs);
                } catch (Exception x) {
                    throw new AssertionError(e + " threw", x);
                }
                prev = WeightGuard.apply(obs, raw, prev);
                if (!lawful(obs, prev)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean lawful(List<Observation> obs, Map<String, Integer> w) {
        boolean inBounds = w.values().stream().allMatch(v -> v >= 0 && v <= Backend.MAX_WEIGHT);
        boolean everyBackend = w.size() == obs.stream().map(Observation::backend).distinct().count();
        boolean anyUp = obs.stream().anyMatch(Observation::up);
        boolean someUpServes = obs.stream().anyMatch(o -> o.up() && w.get(o.backend()) > 0);
        return inBounds && everyBackend && (!anyUp || someUpServes);
    }

    static final List<String> NAMES = List.of("b0", "b1", "b2", "b3", "b4", "b5");

    @Provide
    Arbitrary<List<Observation>> observations() {
        return Arbitraries.integers().between(1, NAMES.size()).flatMap(n -> observation().list().ofSize(n)
                .map(list -> {
                    List<Observation> out = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        Observation o = list.get(i);
                        out.add(new Observation(NAMES.get(i), o.up(), o.configuredWeight(), o.latency(), o.load()));
                    }
                    return out;
                }));
    }

    @Provide
    Arbitrary<List<List<Observation>>> observationRuns() {
        return observations().list().ofMinSize(1).ofMaxSize(8);
    }

    Arbitrary<Observation> observation() {
        var latency = Arbitraries.longs().between(0, 10_000_000_000L).map(Duration::ofNanos).optional();
        var load = Arbitraries.doubles().between(0, 1).map(OptionalDouble::of)
                .injectNull(0.3).map(o -> o == null ? OptionalDouble.empty() : o);
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, Backend.MAX_WEIGHT),
                latency, load).as((up, w, l, ld) -> new Observation("x", up, w, l, ld));
    }

    @Provide
    Arbitrary<Map<String, Integer>> answers() {
        return Arbitraries.maps(Arbitraries.of(NAMES).injectNull(0.0).map(s -> s).filter(s -> s != null)
                        .edgeCases(c -> { }).map(s -> s),
                Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.just(0), Arbitraries.integers().between(-5, 5)))
                .ofMaxSize(NAMES.size()).map(HashMap::new);
    }

    @Provide
    Arbitrary<Map<String, Long>> counts() {
        return Arbitraries.maps(Arbitraries.of(NAMES), Arbitraries.longs().between(-10, 1_000_000))
                .ofMaxSize(NAMES.size());
    }
}
