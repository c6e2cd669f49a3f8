package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.testkit.FailureReason;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 limit keys ({@code ip6 saddr . ip6 daddr . th dport}, 36 bytes) are beyond what nft 1.0.6
 * loads, but the kernel takes them through netlink: the rate and the connection cap hold for an
 * IPv6 client as they do for IPv4.
 */
@RequiresNetns
class Ipv6LimitsIT {

    static final String VIP = "fd00::40";

    /**
     * The topology with the farm committed. First a connection through the farm without limits:
     * fresh IPv6 addresses answer only once duplicate address detection is done, and connections
     * lost to that must not spend the limits under test.
     */
    static Topology start(Limits limits) {
        Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).ipv6(true).start();
        t.balancer().addAddress(VIP);
        Farm farm = Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", t.backend(0).address6()))
                .limits(limits);
        commit(t, farm.limits(Limits.none()));
        Tally warm = t.client().tcp(VIP, 80).count(1).run();
        assertEquals(1, warm.answered(), "without limits: " + warm);
        commit(t, farm);
        return t;
    }

    static void commit(Topology t, Farm farm) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(t.balancer().namespace().name())) {
            nl.commit(Planner.create(RulesetCompiler.compile(List.of(farm)).ruleset().tables().get(0)));
        }
    }

    @Test
    void newConnectionsOverTheRateAreDropped() {
        try (Topology t = start(Limits.none().newConnections(Rate.perHour(1).burst(3)))) {
            Tally tally = t.client().tcp(VIP, 80).count(6).connectTimeout(Duration.ofSeconds(1)).run();
            assertEquals(3, tally.answered(), "burst 3: answered of 6: " + tally);
            assertEquals(3, tally.failuresByReason().getOrDefault(FailureReason.CONNECT_TIMEOUT, 0),
                    "dropped of 6: " + tally);
        }
    }

    @Test
    void connectionsPerClientAreCapped() {
        try (Topology t = start(Limits.none().connectionsPerClient(1))) {
            List<LongConnection> open = new ArrayList<>();
            try {
                open.add(t.client().openLongConnection(VIP, 80));
                assertThrows(UncheckedIOException.class, () -> open.add(t.client().openLongConnection(VIP, 80)),
                        "a second connection while 1 is open");
                assertEquals(1, open.size(), "open: " + open);
            } finally {
                open.forEach(LongConnection::close);
            }
        }
    }
}
