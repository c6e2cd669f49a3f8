package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.BackgroundRequests;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Someone else deletes an element, the rules of a chain, a chain and a set of farm "other" by
 * hand, again and again, while connections to farm "web" run from several workers. Each time the
 * drift check puts back only what is missing, as a diff: web's connections, which the tampering
 * never touched, must all be answered through every repair, and a long connection to web opened
 * before must still work after.
 */
@RequiresNetns
class DriftRepairUnderTrafficIT {

    static final String WEB = "10.0.0.40";
    /** Sources for the traffic: each has its own ephemeral ports, which TIME_WAIT holds for a minute. */
    static final int CLIENT_ADDRESSES = 8;
    static final String OTHER = "10.0.0.41";
    static final int ROUNDS = 5;

    @Test
    void repairsOfAnotherFarmLoseNoConnectionOfThisOne() throws Exception {
        try (Topology t = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(CLIENT_ADDRESSES).start()) {
            t.balancer().addAddress(WEB);
            t.balancer().addAddress(OTHER);
            String ns = t.balancer().namespace().name();
            Farm web = Farm.dnat(WEB).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"));
            Farm other = Farm.dnat(OTHER).port(80).named("other").weighted(Backend.of("o2", "10.1.0.12"))
                    .persistent(Duration.ofMinutes(1));
            List<List<String>> drifts = new CopyOnWriteArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns)).farms(List.of(web, other))
                    .driftCheck(Duration.ofMillis(50)).listener(new CommitListener() {
                        @Override
                        public void drifted(List<String> differences, io.nftlb.core.ast.Transaction repair) {
                            drifts.add(differences);
                        }
                    }).open();
                 NetlinkTransport probe = NetlinkTransport.openInNamespace(ns);
                 LongConnection live = t.client().openLongConnection(WEB, 80)) {
                long mark = lb.marks("other").get("o2");
                List<String> tamperings = List.of(
                        "delete element inet nftlb dnat4 { " + mark + " }",
                        "flush chain inet nftlb farm-other",
                        "delete element inet nftlb farms4 { tcp . " + OTHER + " . 80 }\n"
                                + "delete chain inet nftlb farm-other",
                        "flush chain inet nftlb farm-other\nflush chain inet nftlb lookup-persist-saddr\n"
                                + "delete set inet nftlb persist6-saddr");
                try (BackgroundRequests traffic = t.client().tcp(WEB, 80).fromAllSourceAddresses().count(1000)
                        .concurrency(16).inBackground()) {
                    Thread.sleep(300);
                    int repaired = 0;
                    for (int round = 0; round < ROUNDS; round++) {
                        for (String tampering : tamperings) {
                            int seen = drifts.size();
                            t.balancer().namespace().nft(tampering + "\n");
                            Kernel.await(Duration.ofSeconds(20), () -> drifts.size() > seen
                                            && Kernel.differences(probe, lb).isEmpty(),
                                    () -> "after `" + tampering + "`: " + Kernel.differences(probe, lb));
                            repaired++;
                        }
                    }
                    Tally tally = traffic.stop();
                    System.out.println("[DriftRepairUnderTrafficIT] " + repaired + " repairs under " + tally.requests()
                            + " connections to web: " + tally.failed() + " failed " + tally.failuresByReason());
                    assertTrue(tally.requests() > 1000, "too little traffic to prove anything: " + tally.requests());
                    assertEquals(Map.of(), tally.failuresByReason(), tally.failed() + " of " + tally.requests()
                            + " connections to web failed during " + repaired + " repairs of farm other");
                    assertEquals(live.backend() + " after", live.exchange("after"));
                    assertEquals(Map.of("b2", 4), t.client().connectTcp(OTHER, 80, 4).countsByBackend(),
                            "farm other works again");
                }
            }
        }
    }
}
