package io.nftlb.examples.usecases;

import static io.nftlb.examples.usecases.Lab.VIP;
import static io.nftlb.examples.usecases.Lab.backendAddress;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;

/**
 * Persistence by client address, the paper's last rule use case (LVS: {@code ipvsadm -p}):
 * <pre>
 * map dnat-cache { type ipv4_addr : ipv4_addr; timeout 120s; }
 * ip saddr @dnat-cache goto cache-done
 * ip daddr 192.168.0.40 tcp dport http dnat random upto 100 map { ... } map dnat-cache add { ip saddr : ip daddr }
 * </pre>
 * The first connection of a client is scheduled by weight; the client's later connections go to
 * the same backend until it has been quiet for the timeout. Here eight client addresses each
 * open several connections.
 */
public final class PersistenceExample {

    /** How many source addresses the client uses. */
    public static final int CLIENTS = 8;

    private PersistenceExample() {}

    /** The farm: weighted dNAT of VIP:80 over three backends, clients stick for 120 s. */
    public static Farm farm() {
        return Farm.dnat(VIP).port(80).named("web")
                .weighted(Backend.of("b0", backendAddress(0)), Backend.of("b1", backendAddress(1)),
                        Backend.of("b2", backendAddress(2)))
                .persistent(Duration.ofSeconds(120));
    }

    /** Applies the farm; every client address opens 10 connections. */
    public static Tally run(Lab lab) {
        lab.lb().apply(farm()).join();
        return lab.topology().client().tcp(VIP, 80).count(10 * CLIENTS).concurrency(4).fromAllSourceAddresses().run();
    }

    public static void main(String[] args) {
        Lab.run("Persistence: the first connection of a client picks by weight, the next ones stick (120 s)",
                Topology.builder().backends(3).clientAddresses(CLIENTS), lab -> {
                    Tally t = run(lab);
                    t.backendsBySource().forEach((source, backends) ->
                            System.out.println("  client " + source + " -> " + backends));
                    return t;
                });
    }
}
