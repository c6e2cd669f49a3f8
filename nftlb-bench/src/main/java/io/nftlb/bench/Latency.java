package io.nftlb.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** Percentiles of one kind of operation's latency, in microseconds. */
record Latency(int samples, double p50Micros, double p99Micros) {

    /** One operation, numbered from 0; warm-up calls get numbers after the timed ones. */
    @FunctionalInterface
    interface Op {
        void run(int k) throws Exception;
    }

    /**
     * Calls {@code op} untimed for {@code warmup} (at least 20 calls), then times {@code samples}
     * calls. The warm-up is a time, not a count: the JIT compiles a path after some thousands of
     * calls, which a fast system makes in a second and a slow one never makes in a run; a
     * control plane that runs for hours is measured by its compiled code.
     */
    static Latency measure(Duration warmup, int samples, Op op) throws Exception {
        return measure(warmup, samples, op, k -> { });
    }

    /** The same, running {@code undo} untimed after each call (to keep the loaded state the same). */
    static Latency measure(Duration warmup, int samples, Op op, Op undo) throws Exception {
        long end = System.nanoTime() + warmup.toNanos();
        for (int k = 0; k < 20 || System.nanoTime() < end; k++) {
            op.run(samples + k);
            undo.run(samples + k);
        }
        long[] nanos = new long[samples];
        for (int k = 0; k < samples; k++) {
            long t0 = System.nanoTime();
            op.run(k);
            nanos[k] = System.nanoTime() - t0;
            undo.run(k);
        }
        Arrays.sort(nanos);
        return new Latency(samples, nanos[samples / 2] / 1e3, nanos[Math.min(samples - 1, (int) (samples * 0.99))] / 1e3);
    }

    @Override
    public String toString() {
        return "p50 " + format(p50Micros) + " p99 " + format(p99Micros);
    }

    static String format(double micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1e3)
                : String.format(Locale.ROOT, "%.0f µs", micros);
    }
}
