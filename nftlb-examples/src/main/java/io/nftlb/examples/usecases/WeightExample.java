package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;

/**
 * Weights, the paper's second use case:
 * <pre>
 * ip daddr 192.168.0.40 tcp dport http dnat random upto 100 map { 0-66: 192.168.100.10, 67-99: 192.168.100.11 }
 * </pre>
 * (today's syntax: {@code numgen random mod 100}; the library uses a finer modulus so any
 * weights divide it well). b0 weighs 100 and b1 50, so b0 takes about two thirds.
 */
public final class WeightExample {

    private WeightExample() {}

    /** The farm: dNAT of VIP:80, b0 weight 100, b1 weight 50. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .weighted(Backend.of("b0", backendAddress(0)).weight(100), Backend.of("b1", backendAddress(1)).weight(50));
    }

    /** Applies the farm and opens 300 connections. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        return lab.connect(80, 300);
    }

    public static void main(String[] args) {
        Lab.run("Weights: dnat to numgen random mod 100 map { 0-66 : b0, 67-99 : b1 }",
                Topology.builder().backends(2), WeightExample::run);
    }
}
