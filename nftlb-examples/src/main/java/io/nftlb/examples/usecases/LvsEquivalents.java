package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;

/**
 * The paper's LVS commands, each next to the farm that does the same. LVS-NAT ({@code -m})
 * is dNAT: backends see the client's address and route their replies through the balancer.
 */
public final class LvsEquivalents {

    private LvsEquivalents() {}

    /**
     * <pre>
     * ipvsadm -A -t 192.168.0.40:80 -s rr
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.10:80 -m
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.11:80 -m
     * </pre>
     */
    public static Farm roundRobin() {
        return Farm.dnat(VIP).port(80).named("rr")
                .roundRobin(Backend.at(backendAddress(0)).port(80), Backend.at(backendAddress(1)).port(80));
    }

    /**
     * <pre>
     * ipvsadm -A -t 192.168.0.40:80 -s wrr
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.10:80 -m -w 100
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.11:80 -m -w 50
     * </pre>
     */
    public static Farm weightedRoundRobin() {
        return Farm.dnat(VIP).port(80).named("wrr")
                .weighted(Backend.at(backendAddress(0)).port(80).weight(100),
                        Backend.at(backendAddress(1)).port(80).weight(50));
    }

    /**
     * <pre>
     * ipvsadm -A -t 192.168.0.40:80 -s rr -p 300
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.10:80 -m
     * ipvsadm -a -t 192.168.0.40:80 -r 192.168.100.11:80 -m
     * </pre>
     */
    public static Farm persistentRoundRobin() {
        return roundRobin().named("rr-p300").persistent(Duration.ofSeconds(300));
    }

    /** The three farms, in the order above; one at a time serves the VIP. */
    public static List<Farm> farms() {
        return List.of(roundRobin(), weightedRoundRobin(), persistentRoundRobin());
    }

    /** Applies {@code farm} as the only farm and opens 150 connections from every client address. */
    public static Tally run(Lab lab, Farm farm) {
        lab.lb().farms().forEach(f -> lab.lb().remove(f.name()).join());
        lab.lb().apply(farm).join();
        return lab.topology().client().tcp(VIP, 80).count(150).concurrency(4).fromAllSourceAddresses().run();
    }

    public static void main(String[] args) {
        for (Farm farm : farms()) {
            Lab.run("LVS equivalent, farm " + farm.name() + " (ipvsadm -s "
                    + (farm.name().equals("wrr") ? "wrr" : "rr") + (farm.persistence().isPresent() ? " -p 300" : "") + ")",
                    Topology.builder().backends(2).clientAddresses(3), lab -> run(lab, farm));
        }
    }
}
