package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;

/**
 * Weights over several ports, the paper's multiport use case (LVS needs an iptables mark for it):
 * <pre>
 * ip daddr 192.168.0.40 tcp dport { http,https } dnat random upto 100 map { 0-66: 192.168.100.10, 67-99: 192.168.100.11 }
 * </pre>
 * One farm serves ports 80 and 443; each connection keeps its port on the backend.
 */
public final class MultiportExample {

    private MultiportExample() {}

    /** The farm: dNAT of VIP:80 and VIP:443, b0 weight 100, b1 weight 50. */
    public static Farm farm() {
        return Farm.dnat(VIP).ports(80, 443).named("web")
                .weighted(Backend.of("b0", backendAddress(0)).weight(100), Backend.of("b1", backendAddress(1)).weight(50));
    }

    /** Applies the farm and opens 150 connections to each port. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        Tally http = lab.connect(80, 150);
        Tally https = lab.connect(443, 150);
        return http.plus(https);
    }

    public static void main(String[] args) {
        Lab.run("Multiport: tcp dport { 80, 443 } dnat to numgen random mod 100 map { 0-66 : b0, 67-99 : b1 }",
                Topology.builder().backends(2).ports(80, 443), MultiportExample::run);
    }
}
