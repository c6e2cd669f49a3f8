package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.ConnectionCounter;
import io.nftlb.healthcheck.Observation;
import io.nftlb.healthcheck.WeightEstimator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The built-in estimators. Each scores the UP backends (higher is better), scales the scores
 * so the best gets {@link #BASE} and none gets less than 1, and smooths: a weight moves half
 * the way to its target per estimate, and a move smaller than 10% (or 1) is not made, so
 * weights settle instead of oscillating around noisy inputs. DOWN backends get {@code BASE},
 * ready for when they come back.
 */
public final class Estimators {

    /** The weight of the best backend; 100 keeps relative shares readable and precise enough. */
    public static final int BASE = 100;

    private Estimators() {
    }

    public static WeightEstimator fixed() {
        return Fixed.INSTANCE;
    }

    public static WeightEstimator leastConnections(ConnectionCounter counter) {
        java.util.Objects.requireNonNull(counter, "counter == null");
        return new Scored("least connections (" + counter + ")") {
            private Map<String, Long> counts = Map.of();

            @Override
            void before(String farm) throws Exception {
                Map<String, Long> c = counter.countByBackend(farm);
                counts = c == null ? Map.of() : c;
            }

            @Override
            double score(Observation o) {
                long n = Math.max(0, counts.getOrDefault(o.backend(), 0L));
                return 1.0 / (1.0 + n);
            }
        };
    }

    public static WeightEstimator leastResponseTime() {
        return new Scored("least response time") {
            @Override
            double score(Observation o) {
                // Unknown latency scores as good as the best: a new backend gets its share.
                return o.latency().map(l -> 1.0 / Math.max(1_000, l.toNanos())).orElse(Double.NaN);
            }
        };
    }

    public static WeightEstimator leastCpuLoad() {
        return new Scored("least cpu load") {
            @Override
            double score(Observation o) {
                return o.load().isPresent() ? Math.max(0.01, 1.0 - o.load().getAsDouble()) : Double.NaN;
            }
        };
    }

    private enum Fixed implements WeightEstimator {
        INSTANCE;

        @Override
        public Map<String, Integer> estimate(String farm, List<Observation> observations) {
            Map<String, Integer> w = new LinkedHashMap<>();
            observations.forEach(o -> w.put(o.backend(), o.configuredWeight()));
            return w;
        }

        @Override
        public String toString() {
            return "fixed";
        }
    }

    /** Scores, scales and smooths, keeping the previous weights per farm. */
    abstract static class Scored implements WeightEstimator {
        private final String name;
        private final Map<String, Map<String, Integer>> previous = new HashMap<>();

        Scored(String name) {
            this.name = name;
        }

        void before(String farm) throws Exception {
        }

        /** Higher is better; NaN means unknown (treated as the best). */
        abstract double score(Observation o);

        @Override
        public synchronized Map<String, Integer> estimate(String farm, List<Observation> observations)
                throws Exception {
            before(farm);
            Map<String, Integer> raw = scale(observations, this::score);
            Map<String, Integer> prev = previous.getOrDefault(farm, Map.of());
            Map<String, Integer> out = smooth(prev, raw);
            previous.put(farm, out);
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Best UP backend gets BASE, the others in proportion to their score, at least 1. */
    static Map<String, Integer> scale(List<Observation> observations, ToDoubleFunction<Observation> score) {
        double best = observations.stream().filter(Observation::up).mapToDouble(score)
                .filter(d -> !Double.isNaN(d) && d > 0 && Double.isFinite(d)).max().orElse(Double.NaN);
        Map<String, Integer> w = new LinkedHashMap<>();
        for (Observation o : observations) {
            double s = score.applyAsDouble(o);
            if (!o.up() || Double.isNaN(best) || Double.isNaN(s) || !Double.isFinite(s)) {
                w.put(o.backend(), BASE);
            } else {
                long v = Math.round(BASE * Math.max(0, s) / best);
                w.put(o.backend(), (int) Math.max(1, Math.min(BASE, v)));
            }
        }
        return w;
    }

    /** Half the way to the target; moves under 10% (or 1) are not made. */
    static Map<String, Integer> smooth(Map<String, Integer> previous, Map<String, Integer> target) {
        Map<String, Integer> out = new LinkedHashMap<>();
        target.forEach((b, t) -> {
            Integer p = previous.get(b);
            if (p == null) {
                out.put(b, t);
                return;
            }
            int next = (int) Math.round(p + (t - p) / 2.0);
            int deadband = Math.max(1, (int) Math.round(p * 0.10));
            out.put(b, Math.abs(t - p) < deadband ? p : next);
        });
        return out;
    }
}
