package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;

/**
 * Round robin, the paper's first use case:
 * <pre>
 * ip daddr 192.168.0.40 tcp dport http dnat nth 2 map { 0: 192.168.100.10, 1: 192.168.100.11 }
 * </pre>
 * (today's syntax: {@code numgen inc mod 2}). New connections alternate between the two backends.
 */
public final class RoundRobinExample {

    private RoundRobinExample() {}

    /** The farm: dNAT of VIP:80, alternating over b0 and b1. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .roundRobin(Backend.of("b0", backendAddress(0)), Backend.of("b1", backendAddress(1)));
    }

    /** Applies the farm and opens 100 connections one after the other, so their order shows. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        return lab.topology().client().tcp(VIP, 80).count(100).run();
    }

    public static void main(String[] args) {
        Lab.run("Round robin: dnat to numgen inc mod 2 map { 0 : b0, 1 : b1 }",
                Topology.builder().backends(2), RoundRobinExample::run);
    }
}
