package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Counters per backend from conntrack accounting, against traffic whose size is known: UDP
 * requests are one datagram each way (so packets and bytes are exact), TCP long connections
 * are counted exactly (their packets depend on the TCP stack, so only bounds are checked).
 */
@RequiresNetns
class CountersIT {

    static final String UDP_VIP = "10.0.0.40";
    static final String TCP_VIP = "10.0.0.41";
    /** IPv4 header (20) + UDP header (8). */
    static final int UDP_OVERHEAD = 28;
    /** What the client sends in each UDP request. */
    static final int UDP_REQUEST = "hello\n".length();

    @Test
    void countsPerBackendMatchTheTrafficSent() throws Exception {
        try (Topology t = Topology.builder().backends(2).udp(true).returnPath(ReturnPath.VIA_BALANCER).start()) {
            t.balancer().addAddress(UDP_VIP);
            t.balancer().addAddress(TCP_VIP);
            t.balancer().namespace().runInside(() -> Files.writeString(
                    Path.of("/proc/sys/net/netfilter/nf_conntrack_acct"), "1"));
            Farm dns = Farm.dnat(UDP_VIP).port(80).udp().named("dns")
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
            Farm web = Farm.dnat(TCP_VIP).port(80).named("web")
                    .roundRobin(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
            List<LongConnection> open = new ArrayList<>();
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(
                    t.balancer().namespace().name())).farms(List.of(dns, web)).open()) {
                assertEquals(Counters.NONE, lb.counters("dns").total(), "nothing sent yet");

                Tally udp = t.client().udp(UDP_VIP, 80).count(10).run();
                assertEquals(10, udp.answered(), udp.toString());
                Map<String, Counters> expected = new HashMap<>();
                for (Tally.Outcome o : udp.outcomes()) {
                    Tally.Answered a = (Tally.Answered) o;
                    int reply = (a.backend() + " " + a.peerAddress() + " " + a.peerPort() + "\n")
                            .getBytes(StandardCharsets.UTF_8).length;
                    expected.merge(a.backend(), new Counters(1, 2, 2 * UDP_OVERHEAD + UDP_REQUEST + reply),
                            Counters::plus);
                }
                FarmCounters dnsCounters = lb.counters("dns");
                assertEquals(expected, dnsCounters.backends(), udp.toString());
                assertEquals(new Counters(10, 20, expected.values().stream().mapToLong(Counters::bytes).sum()),
                        dnsCounters.total());

                Map<String, Long> connections = new HashMap<>();
                for (int i = 0; i < 3; i++) {
                    LongConnection c = t.client().openLongConnection(TCP_VIP, 80);
                    open.add(c);
                    c.exchange("line " + i);
                    connections.merge(c.backend(), 1L, Long::sum);
                }
                FarmCounters webCounters = lb.counters("web");
                for (String b : List.of("b0", "b1")) {
                    Counters c = webCounters.backend(b);
                    long n = connections.getOrDefault(b, 0L);
                    assertEquals(n, c.connections(), b + ": " + webCounters);
                    // per connection at least: SYN, SYN-ACK, ACK, the greeting, one line each way
                    assertTrue(c.packets() >= 6 * n, b + ": " + webCounters);
                    // each packet carries at least an IPv4 and a TCP header
                    assertTrue(c.bytes() >= 40 * c.packets(), b + ": " + webCounters);
                }
                assertEquals(expected, lb.counters("dns").backends(), "the other farm's counters are its own");
                System.out.println("[CountersIT] dns " + dnsCounters + "\n[CountersIT] web " + webCounters);
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }
}
