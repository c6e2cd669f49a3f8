package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.testkit.Reachability;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The traffic tests of DSR, stateless dNAT and policies, driven through one {@link LoadBalancer}
 * (the kernel's netdev table is the load balancer's, changed by its transactions), with the
 * transactions checked through a {@link CommitListener}.
 */
@RequiresNetns
class LoadBalancerIngressTrafficIT {

    final List<Transaction> committed = new CopyOnWriteArrayList<>();

    LoadBalancer open(Topology t) {
        return LoadBalancer.builder(NftCliTransport.inNamespace(t.balancer().namespace().name()))
                .listener(new CommitListener() {
                    @Override
                    public void committed(Transaction transaction) {
                        committed.add(transaction);
                    }
                }).open();
    }

    List<String> lastOps() {
        return committed.get(committed.size() - 1).ops().stream().map(Op::describe).toList();
    }

    @Test
    void aDsrFarmAppliedThroughTheLoadBalancerServesAndItsWeightChangeIsElementOnly() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).clientAddresses(16).start();
             LoadBalancer lb = open(t)) {
            t.backends().forEach(b -> b.addLoopbackAddress(DsrTrafficIT.VIP));
            t.balancer().addAddress(DsrTrafficIT.VIP);
            t.balancer().namespace().nft(DsrTrafficIT.PROBE);
            String out = t.balancer().backendInterface();
            lb.setPath(DsrPath.of("web").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress()));
            // Another farm first, so that web's slots are not the first slice.
            lb.apply(Farm.dnat("10.0.0.41").port(80).named("other").roundRobin(Backend.at(t.backend(0).address())));
            lb.apply(Farm.dsr(DsrTrafficIT.VIP).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()))).join();

            int n = 64;
            Tally tally = t.client().tcp(DsrTrafficIT.VIP, 80).fromAllSourceAddresses().count(n).run();
            assertEquals(n, tally.answered(), n + " connections, " + tally.answered() + " answered: " + tally);
            assertEquals(Set.of("b0", "b1"), tally.backends(), "16 sources hashed over 2 backends: " + tally);
            assertEquals(List.of(0L, 0L, 0L), DsrTrafficIT.probeCounts(t),
                    "packets to/from the VIP in the balancer's prerouting (to, from) and forward (from)");

            lb.setWeight("web", "b1", 0).join();
            assertEquals(List.of("delete element netdev nftlb dsr-ether (2 elements)",
                    "add element netdev nftlb dsr-ether (1 elements)"), lastOps());
            Tally after = t.client().tcp(DsrTrafficIT.VIP, 80).fromAllSourceAddresses().count(n).run();
            assertEquals(Map.of("b0", n), after.countsByBackend(), "b1 at weight 0: " + after);

            // A policy on the DSR farm: its sets and rule are added, the farm's elements are left alone.
            String bad = t.client().sourceAddresses().get(1);
            lb.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(bad)).join();
            assertTrue(lastOps().stream().noneMatch(op -> op.contains("table") || op.contains("dsr-ether")),
                    "no table replaced, no slot touched: " + lastOps());
            Reachability.assertDropped(Reachability.connect(t, DsrTrafficIT.VIP, bad), "blacklisted " + bad);
            Reachability.assertAnswered(Reachability.connect(t, DsrTrafficIT.VIP, t.client().address()),
                    "not listed " + t.client().address());
            lb.removePolicy("bad").join();
            assertTrue(lastOps().contains("delete set netdev nftlb policy4-bad"), lastOps().toString());
            Reachability.assertAnswered(Reachability.connect(t, DsrTrafficIT.VIP, bad), bad + " once unlisted");

            // Another DSR farm comes and goes: its chain and elements only.
            lb.setPath(DsrPath.of("web2").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out)).backend("b1", t.backend(1).macAddress()));
            lb.apply(Farm.dsr("10.0.0.43").port(80).named("web2").weighted(Backend.of("b1", t.backend(1).address())))
                    .join();
            assertTrue(lastOps().stream().noneMatch(op -> op.contains("table")), lastOps().toString());
            lb.remove("web2").join();
            assertTrue(lastOps().contains("delete chain netdev nftlb dsr-web2")
                    && lastOps().stream().noneMatch(op -> op.contains("table")), lastOps().toString());
            Tally last = t.client().tcp(DsrTrafficIT.VIP, 80).fromAllSourceAddresses().count(n).run();
            assertEquals(Map.of("b0", n), last.countsByBackend(), "web after web2 came and went: " + last);
        }
    }

    @Test
    void aStatelessDnatFarmAppliedThroughTheLoadBalancerServesBothWays() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(8).start();
             LoadBalancer lb = open(t)) {
            String vip = StatelessDnatTrafficIT.VIP;
            String in = t.balancer().clientInterface();
            String out = t.balancer().backendInterface();
            t.balancer().namespace().execOrThrow("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");
            lb.setPath(DsrPath.of("web").in(in, t.balancer().namespace().macAddress(in))
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress()));
            lb.apply(Farm.statelessDnat(vip).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()))).join();
            t.balancer().addAddress(vip);

            int n = 32;
            Tally tally = t.client().tcp(vip, 80).fromAllSourceAddresses().count(n).run();
            assertEquals(n, tally.answered(), n + " connections, " + tally.answered() + " answered: " + tally);
            assertEquals(Set.of("b0", "b1"), tally.backends(), "8 sources over 2 backends: " + tally);
            Set<String> peers = new HashSet<>();
            tally.peersByBackend().values().forEach(peers::addAll);
            assertTrue(t.client().sourceAddresses().containsAll(peers), "backends saw the clients' addresses " + peers);
        }
    }

    @Test
    void aPolicyAppliedThroughTheLoadBalancerDropsAndAMemberAddedAtRunTimeTakesEffectElementOnly() {
        try (Topology t = PolicyTrafficIT.topology(); LoadBalancer lb = open(t)) {
            PolicyTrafficIT.farms(t).forEach(lb::apply);
            List<String> v4 = t.client().sourceAddresses();
            lb.applyPolicy(Policy.blacklist("bad").on(t.balancer().clientInterface()).networks(v4.get(1))).join();
            Reachability.assertDropped(Reachability.connect(t, PolicyTrafficIT.VIP, v4.get(1)),
                    "blacklisted " + v4.get(1) + " to web");
            Reachability.assertDropped(Reachability.connect(t, PolicyTrafficIT.OTHER, v4.get(1)),
                    "blacklisted " + v4.get(1) + " to other (all farms)");
            Reachability.assertAnswered(Reachability.connect(t, PolicyTrafficIT.VIP, v4.get(3)),
                    v4.get(3) + " before it is listed");

            lb.addNetworks("bad", v4.get(3)).join();
            assertEquals(List.of("add element netdev nftlb policy4-bad (1 elements)"), lastOps());
            Reachability.assertDropped(Reachability.connect(t, PolicyTrafficIT.VIP, v4.get(3)),
                    v4.get(3) + " once added");
            lb.removeNetworks("bad", v4.get(3)).join();
            assertEquals(List.of("delete element netdev nftlb policy4-bad (1 elements)"), lastOps());
            Reachability.assertAnswered(Reachability.connect(t, PolicyTrafficIT.VIP, v4.get(3)),
                    v4.get(3) + " once removed");

            // A farm added later is covered by the all-farms policy, in the same transaction as its rules.
            t.balancer().addAddress("10.0.0.42");
            lb.apply(Farm.dnat("10.0.0.42").port(80).named("late").roundRobin(Backend.at(t.backend(0).address())))
                    .join();
            assertTrue(lastOps().contains("add element netdev nftlb policy4-bad-farms (1 elements)"), lastOps().toString());
            Reachability.assertDropped(Reachability.connect(t, "10.0.0.42", v4.get(1)),
                    "blacklisted " + v4.get(1) + " to a farm added after the policy");
            Reachability.assertAnswered(Reachability.connect(t, "10.0.0.42", v4.get(2)),
                    "not listed " + v4.get(2) + " to the late farm");
        }
    }

    /**
     * DSR farm "web" on two backends: they hold the VIP on loopback, the balancer answers ARP for
     * it, and the load balancer has the farm's path.
     */
    static Farm dsrWeb(Topology t, LoadBalancer lb) {
        t.backends().forEach(b -> b.addLoopbackAddress(DsrTrafficIT.VIP));
        t.balancer().addAddress(DsrTrafficIT.VIP);
        String out = t.balancer().backendInterface();
        lb.setPath(DsrPath.of("web").in(t.balancer().clientInterface())
                .out(out, t.balancer().namespace().macAddress(out))
                .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress()));
        return Farm.dsr(DsrTrafficIT.VIP).port(80).named("web")
                .weighted(Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()));
    }

    /**
     * DSR persistence at ingress: a client's connections (new source ports each) stay on the
     * backend it was first hashed to; when that backend goes down they move to another one, by
     * element changes only, and stay there when it comes back.
     */
    @Test
    void aPersistentDsrFarmKeepsAClientOnItsBackendUntilTheBackendGoesDown() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).start();
             LoadBalancer lb = open(t)) {
            lb.apply(dsrWeb(t, lb).persistent(java.time.Duration.ofMinutes(5))).join();

            int n = 32;
            Tally first = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(n, first.answered(), first.toString());
            assertEquals(1, first.backends().size(), n + " connections from one client, each from its own port"
                    + " (hashed over both backends without persistence), on one backend: " + first);
            String kept = first.backends().iterator().next();
            String other = kept.equals("b0") ? "b1" : "b0";

            lb.setState("web", kept, io.nftlb.core.BackendState.DOWN).join();
            assertTrue(lastOps().stream().allMatch(o -> o.contains("element")), "element changes only: " + lastOps());
            Tally moved = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(Map.of(other, n), moved.countsByBackend(), kept + " down: " + moved);

            lb.setState("web", kept, io.nftlb.core.BackendState.UP).join();
            Tally stayed = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(Map.of(other, n), stayed.countsByBackend(), kept + " up again, the client stays: " + stayed);
        }
    }

    /** A DSR farm's static session: the pinned client goes to its backend while it serves, elsewhere while not. */
    @Test
    void aPinnedClientOfADsrFarmGoesToItsBackendWhileItServes() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).start();
             LoadBalancer lb = open(t)) {
            lb.apply(dsrWeb(t, lb).staticSession(t.client().address(), "b1")).join();

            int n = 32;
            Tally pinned = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(Map.of("b1", n), pinned.countsByBackend(), "client pinned to b1: " + pinned);

            lb.setState("web", "b1", io.nftlb.core.BackendState.DOWN).join();
            assertTrue(lastOps().stream().allMatch(o -> o.contains("element")), "element changes only: " + lastOps());
            Tally away = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(Map.of("b0", n), away.countsByBackend(), "b1 down: " + away);

            lb.setState("web", "b1", io.nftlb.core.BackendState.UP).join();
            Tally back = t.client().tcp(DsrTrafficIT.VIP, 80).count(n).run();
            assertEquals(Map.of("b1", n), back.countsByBackend(), "b1 up again: " + back);
        }
    }

    /** Stateless dNAT farm {@code web} over the topology's two backends, its path set, not yet applied. */
    static Farm statelessWeb(Topology t, LoadBalancer lb) {
        String in = t.balancer().clientInterface();
        String out = t.balancer().backendInterface();
        t.balancer().namespace().execOrThrow("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");
        lb.setPath(DsrPath.of("web").in(in, t.balancer().namespace().macAddress(in))
                .out(out, t.balancer().namespace().macAddress(out))
                .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress()));
        t.balancer().addAddress(StatelessDnatTrafficIT.VIP);
        return Farm.statelessDnat(StatelessDnatTrafficIT.VIP).port(80).named("web")
                .weighted(Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()));
    }

    /**
     * Stateless dNAT persistence at ingress: a client's connections (new source ports each) stay
     * on the backend it was first hashed to; when that backend goes down they move to another one,
     * by element changes only, and stay there when it comes back.
     */
    @Test
    void aPersistentStatelessDnatFarmKeepsAClientOnItsBackendUntilTheBackendGoesDown() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = open(t)) {
            lb.apply(statelessWeb(t, lb).persistent(java.time.Duration.ofMinutes(5))).join();
            String vip = StatelessDnatTrafficIT.VIP;

            int n = 32;
            Tally first = t.client().tcp(vip, 80).count(n).run();
            assertEquals(n, first.answered(), first.toString());
            assertEquals(1, first.backends().size(), n + " connections from one client, each from its own port"
                    + " (hashed over both backends without persistence), on one backend: " + first);
            String kept = first.backends().iterator().next();
            String other = kept.equals("b0") ? "b1" : "b0";

            lb.setState("web", kept, io.nftlb.core.BackendState.DOWN).join();
            assertTrue(lastOps().stream().allMatch(o -> o.contains("element")), "element changes only: " + lastOps());
            Tally moved = t.client().tcp(vip, 80).count(n).run();
            assertEquals(Map.of(other, n), moved.countsByBackend(), kept + " down: " + moved);

            lb.setState("web", kept, io.nftlb.core.BackendState.UP).join();
            Tally stayed = t.client().tcp(vip, 80).count(n).run();
            assertEquals(Map.of(other, n), stayed.countsByBackend(), kept + " up again, the client stays: " + stayed);
        }
    }

    /** A stateless dNAT farm's static session: the pinned client goes to its backend while it serves, elsewhere while not. */
    @Test
    void aPinnedClientOfAStatelessDnatFarmGoesToItsBackendWhileItServes() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = open(t)) {
            lb.apply(statelessWeb(t, lb).staticSession(t.client().address(), "b1")).join();
            String vip = StatelessDnatTrafficIT.VIP;

            int n = 32;
            Tally pinned = t.client().tcp(vip, 80).count(n).run();
            assertEquals(Map.of("b1", n), pinned.countsByBackend(), "client pinned to b1: " + pinned);

            lb.setState("web", "b1", io.nftlb.core.BackendState.DOWN).join();
            assertTrue(lastOps().stream().allMatch(o -> o.contains("element")), "element changes only: " + lastOps());
            Tally away = t.client().tcp(vip, 80).count(n).run();
            assertEquals(Map.of("b0", n), away.countsByBackend(), "b1 down: " + away);

            lb.setState("web", "b1", io.nftlb.core.BackendState.UP).join();
            Tally back = t.client().tcp(vip, 80).count(n).run();
            assertEquals(Map.of("b1", n), back.countsByBackend(), "b1 up again: " + back);
        }
    }
}
