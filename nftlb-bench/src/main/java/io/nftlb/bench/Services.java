package io.nftlb.bench;

import java.util.List;

/**
 * The service set every system is given: {@code n} TCP services on port 80, each on its own
 * virtual address, each with the same four backends. Service {@code i} listens on
 * {@link #vip(int)}; the benchmark measures the last one, so a system that scans its
 * services one rule at a time pays for all the others first.
 */
final class Services {
    /** The port every service and every backend listens on. */
    static final int PORT = 80;
    /** The backends' addresses, as the test kit's topology numbers them. */
    static final List<String> BACKENDS = List.of("10.1.0.10", "10.1.0.11", "10.1.0.12", "10.1.0.13");
    /** Weights for the weighted variants (LVS wrr): 1:2:3:4. */
    static final List<Integer> WEIGHTS = List.of(1, 2, 3, 4);
    /** All virtual addresses are in here: the client routes it via the balancer, the balancer treats it as local. */
    static final String VIP_NET = "10.2.0.0/16";
    static final int MAX = 10_000;

    private Services() {}

    /** Virtual address of service {@code i} (0-based): 10.2.(i/200).(i%200+10). */
    static String vip(int i) {
        if (i < 0 || i >= MAX) {
            throw new IllegalArgumentException("service index must be 0.." + (MAX - 1) + ": " + i);
        }
        return "10.2." + (i / 200) + "." + (i % 200 + 10);
    }

    /** The measured service of a set of {@code n}: the last one added. */
    static String measured(int n) {
        return vip(n - 1);
    }

    static String name(int i) {
        return "s" + i;
    }
}
