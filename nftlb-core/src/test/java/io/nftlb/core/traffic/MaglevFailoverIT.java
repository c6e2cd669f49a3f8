package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.EcmpTopology;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two balancers with the same Maglev farm behind an ECMP router. Long-lived TCP
 * connections spread over both; one balancer dies; every connection that was on it goes on
 * through the other one (dNAT, replies routed back to the sender), and new connections of a
 * client keep their backend.
 */
@RequiresNetns
class MaglevFailoverIT {

    private static final String VIP = "10.9.0.40";
    private static final int CLIENTS = 8;
    private static final int PER_CLIENT = 4;

    @Test
    void connectionsOfADeadBalancerKeepWorkingThroughTheOther() {
        try (EcmpTopology t = EcmpTopology.start(4, CLIENTS)) {
            Farm farm = Farm.dnat(VIP).port(80).named("mag").scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS))
                    .backends(IntStream.range(0, 4).mapToObj(i -> Backend.of("b" + i, "10.1.0." + (10 + i))).toList());
            String ruleset = NftText.render(RulesetCompiler.compile(List.of(farm)).ruleset());
            for (int i = 0; i < 2; i++) {
                t.balancer(i).nft(ruleset);
                // Loose pickup of mid-stream TCP packets (the kernel default, made explicit).
                t.balancer(i).execOrThrow("sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=1");
            }
            List<LongConnection> connections = new ArrayList<>();
            Map<String, String> backendOfClient = new HashMap<>();
            for (String source : t.client().sourceAddresses()) {
                for (int k = 0; k < PER_CLIENT; k++) {
                    LongConnection c = t.client().openLongConnection(source, VIP, 80);
                    connections.add(c);
                    String previous = backendOfClient.putIfAbsent(source, c.backend());
                    assertTrue(previous == null || previous.equals(c.backend()),
                            "both balancers must pick the same backend for client " + source + ": " + connections);
                }
            }
            Set<String> onFirst = flows(t.balancer(0));
            Set<String> onSecond = flows(t.balancer(1));
            assertTrue(!onFirst.isEmpty() && !onSecond.isEmpty(),
                    "ECMP must spread connections over both balancers: " + onFirst + " / " + onSecond);
            for (LongConnection c : connections) {
                assertEquals(c.backend() + " before", c.exchange("before"));
            }

            t.failBalancer(0);

            for (LongConnection c : connections) {
                assertEquals(c.backend() + " after", c.exchange("after"), "connection " + c);
            }
            Set<String> wereOnDead = new HashSet<>();
            connections.stream().map(c -> c.localAddress() + ":" + c.localPort()).filter(onFirst::contains)
                    .forEach(wereOnDead::add);
            assertTrue(!wereOnDead.isEmpty(), "some connections must have been on the failed balancer: " + onFirst);
            Set<String> nowOnSurvivor = flows(t.balancer(1));
            assertTrue(nowOnSurvivor.containsAll(wereOnDead), "the surviving balancer carries every connection of the"
                    + " failed one: were on it " + wereOnDead + ", survivor's flows " + nowOnSurvivor);
            System.out.printf("maglev failover: %d connections, %d on the failed balancer, all kept working%n",
                    connections.size(), wereOnDead.size());

            for (String source : t.client().sourceAddresses()) {
                try (LongConnection c = t.client().openLongConnection(source, VIP, 80)) {
                    assertEquals(backendOfClient.get(source), c.backend(), "new connection of client " + source);
                }
            }
            assertTrue(new HashSet<>(backendOfClient.values()).size() > 1, "clients spread: " + backendOfClient);
        }
    }

    /** {@code address:port} of the clients of the TCP flows a balancer's conntrack holds for the VIP. */
    private static Set<String> flows(NetworkNamespace balancer) {
        String out = balancer.execOrThrow("conntrack", "-L", "-p", "tcp", "--orig-dst", VIP).stdout();
        Set<String> flows = new HashSet<>();
        Matcher m = Pattern.compile("src=(\\S+) dst=\\S+ sport=(\\d+) dport=80").matcher(out);
        while (m.find()) {
            flows.add(m.group(1) + ":" + m.group(2));
        }
        return flows;
    }
}
