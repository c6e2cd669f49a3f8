package io.nftlb.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One system at one service count: the median of the repeats of each measure.
 *
 * @param connRate new connections per second (one request per connection, keep-alive off)
 * @param reqRate requests per second on persistent connections
 * @param p50Micros median first-packet (connect) latency
 * @param p99Micros 99th percentile first-packet latency
 * @param kernelMsPer10k machine-wide kernel CPU (system + irq + softirq) per 10,000 connections
 * @param errors wrk socket errors and non-2xx answers, all runs together
 * @param failure why the point could not be measured, or null
 */
record Point(String system, int services, double setupSeconds, double connRate, double reqRate, double p50Micros,
        double p99Micros, double kernelMsPer10k, long errors, String failure) {

    static Point failed(String system, int services, double setupSeconds, String why) {
        return new Point(system, services, setupSeconds, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                why);
    }

    boolean ok() {
        return failure == null;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
