package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 100 policy changes (networks added and removed, a policy added and removed, a blacklist turned
 * whitelist and back) on the interface clients come in by, while short connections to a farm run
 * from several workers. No policy ever covers the client, so every connection must be answered:
 * the netdev table changes by diffs (elements, or a device's chain refilled in the same
 * transaction), never by a moment without its rules.
 */
@RequiresNetns
class PolicyChangesUnderTrafficIT {

    static final String VIP = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 8;
    static final int CHANGES = 100;

    @Test
    void aHundredPolicyChangesLoseNoConnection() throws Exception {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(VIP);
            String in = t.balancer().clientInterface();
            String[] clients = t.client().sourceAddresses().toArray(String[]::new);
            Farm web = Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"));
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .farms(List.of(web)).policies(List.of(Policy.blacklist("bad").on(in).networks("192.0.2.0/24")))
                    .open()) {
                try (BackgroundRequests traffic = t.client().tcp(VIP, 80).fromAllSourceAddresses().count(1000)
                        .concurrency(16).inBackground()) {
                    Thread.sleep(300);
                    for (int i = 0; i < CHANGES; i++) {
                        String network = "198.51.100." + (i % 250);
                        switch (i % 5) {
                            case 0 -> lb.addNetworks("bad", network).join();
                            case 1 -> lb.removeNetworks("bad", "198.51.100." + ((i - 1) % 250)).join();
                            case 2 -> lb.applyPolicy(Policy.blacklist("more").on(in).networks("203.0.113.0/24")).join();
                            case 3 -> lb.removePolicy("more").join();
                            default -> lb.applyPolicy((i / 5) % 2 == 0
                                    // a whitelist of the client's own addresses lets it in, and turns back to a blacklist
                                    ? Policy.whitelist("bad").on(in).networks(clients)
                                    : Policy.blacklist("bad").on(in).networks("192.0.2.0/24")).join();
                        }
                    }
                    Tally tally = traffic.stop();
                    System.out.println("[PolicyChangesUnderTrafficIT] " + CHANGES + " policy changes under "
                            + tally.requests() + " connections: " + tally.failed() + " failed " + tally.failuresByReason());
                    assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                    assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                            + " connections failed during " + CHANGES + " policy changes");
                }
            }
        }
    }
}
