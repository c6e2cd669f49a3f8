package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The persistence sessions the kernel records as real connections are scheduled, read back and
 * forgotten through {@link LoadBalancer#persistenceSessions()}: one per client, on the backend
 * that served it, with the farm's TTL and the time it has left; forgetting a backend's clients
 * removes exactly those from the kernel, and their next connections are recorded afresh. The
 * same for a DSR farm, whose clients are remembered at ingress by the backend's MAC, and a stateless
 * dNAT farm, by the backend's address.
 */
@RequiresNetns
class PersistenceSessionsIT {

    static final String VIP = "10.0.0.40";

    /**
     * A DSR farm remembers its clients at netdev ingress, by the backend's MAC: listed by the
     * backend that MAC is in the farm's path, and forgotten with it.
     */
    @Test
    void dsrClientsAreListedByTheBackendOfTheirMac() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.DIRECT).clientAddresses(8).start()) {
            t.backends().forEach(b -> b.addLoopbackAddress(VIP));
            t.balancer().addAddress(VIP);
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(t.balancer().clientInterface())
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress());
            Duration ttl = Duration.ofMinutes(5);
            Farm farm = Farm.dsr(VIP).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address())).persistent(ttl);
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .paths(List.of(path)).farms(List.of(farm)).open()) {
                PersistenceSessions sessions = lb.persistenceSessions();
                List<String> sources = t.client().sourceAddresses();
                Tally tally = t.client().tcp(VIP, 80).from(sources.toArray(String[]::new)).count(sources.size() * 2).run();
                assertEquals(sources.size() * 2, tally.answered(), tally.toString());
                Map<String, String> servedBy = new HashMap<>();
                tally.backendsBySource().forEach((source, backends) -> {
                    assertEquals(1, backends.size(), source + " went to " + backends);
                    servedBy.put(source, backends.iterator().next());
                });
                List<PersistenceSessions.Session> listed = sessions.of("web");
                assertEquals(servedBy, listed.stream().collect(Collectors.toMap(
                        PersistenceSessions.Session::client, s -> s.backend().orElse("?"))), listed.toString());
                // The kernel counts in jiffies: read within the jiffy it was set, the time left is the whole TTL.
                listed.forEach(s -> assertTrue(s.expiresIn().compareTo(ttl) <= 0 && s.expiresIn().isPositive()
                        && s.timeout().equals(ttl), s.toString()));
                String gone = servedBy.containsValue("b0") ? "b0" : "b1";
                assertEquals(servedBy.values().stream().filter(gone::equals).count(), sessions.forget("web", gone));
                assertTrue(sessions.of("web").stream().noneMatch(s -> s.backend().equals(Optional.of(gone))),
                        sessions.of("web").toString());
            }
        }
    }

    /**
     * A stateless dNAT farm remembers its clients at netdev ingress, by the backend's address:
     * listed by the backend of that address, and forgotten with it.
     */
    @Test
    void statelessDnatClientsAreListedByTheBackendOfTheirAddress() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(8).start()) {
            t.balancer().addAddress(VIP);
            t.balancer().namespace().execOrThrow("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");
            String in = t.balancer().clientInterface();
            String out = t.balancer().backendInterface();
            DsrPath path = DsrPath.of("web").in(in, t.balancer().namespace().macAddress(in))
                    .out(out, t.balancer().namespace().macAddress(out))
                    .backend("b0", t.backend(0).macAddress()).backend("b1", t.backend(1).macAddress());
            Duration ttl = Duration.ofMinutes(5);
            Farm farm = Farm.statelessDnat(VIP).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address())).persistent(ttl);
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .paths(List.of(path)).farms(List.of(farm)).open()) {
                PersistenceSessions sessions = lb.persistenceSessions();
                List<String> sources = t.client().sourceAddresses();
                Tally tally = t.client().tcp(VIP, 80).from(sources.toArray(String[]::new)).count(sources.size() * 2).run();
                assertEquals(sources.size() * 2, tally.answered(), tally.toString());
                Map<String, String> servedBy = new HashMap<>();
                tally.backendsBySource().forEach((source, backends) -> {
                    assertEquals(1, backends.size(), source + " went to " + backends);
                    servedBy.put(source, backends.iterator().next());
                });
                List<PersistenceSessions.Session> listed = sessions.of("web");
                assertEquals(servedBy, listed.stream().collect(Collectors.toMap(
                        PersistenceSessions.Session::client, s -> s.backend().orElse("?"))), listed.toString());
                // The kernel counts in jiffies: read within the jiffy it was set, the time left is the whole TTL.
                listed.forEach(s -> assertTrue(s.expiresIn().compareTo(ttl) <= 0 && s.expiresIn().isPositive()
                        && s.timeout().equals(ttl), s.toString()));
                String gone = servedBy.containsValue("b0") ? "b0" : "b1";
                assertEquals(servedBy.values().stream().filter(gone::equals).count(), sessions.forget("web", gone));
                assertTrue(sessions.of("web").stream().noneMatch(s -> s.backend().equals(Optional.of(gone))),
                        sessions.of("web").toString());
            }
        }
    }

    @Test
    void eachClientIsListedOnTheBackendThatServedItAndForgottenWithIt() {
        try (Topology t = Topology.builder().backends(2).returnPath(ReturnPath.VIA_BALANCER).clientAddresses(8).start()) {
            t.balancer().addAddress(VIP);
            Duration ttl = Duration.ofMinutes(5);
            Farm farm = Farm.snat(VIP).port(80).named("web").weighted(
                    Backend.of("b0", t.backend(0).address()), Backend.of("b1", t.backend(1).address()))
                    .persistence(new Persistence(Persistence.Key.SOURCE_ADDRESS, ttl));
            // A farm of another port whose clients must not be listed as web's.
            Farm other = Farm.snat(VIP).port(81).named("other").weighted(Backend.of("c0", t.backend(0).address()))
                    .persistent(ttl);
            try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                    .farms(List.of(farm, other)).open()) {
                PersistenceSessions sessions = lb.persistenceSessions();
                assertEquals(List.of(), sessions.of("web"), "no client has connected yet");

                List<String> sources = t.client().sourceAddresses();
                Tally tally = t.client().tcp(VIP, 80).from(sources.toArray(String[]::new)).count(sources.size() * 2).run();
                assertEquals(sources.size() * 2, tally.answered(), tally.toString());
                Map<String, String> servedBy = new HashMap<>();
                tally.backendsBySource().forEach((source, backends) -> {
                    assertEquals(1, backends.size(), source + " went to " + backends);
                    servedBy.put(source, backends.iterator().next());
                });

                List<PersistenceSessions.Session> listed = sessions.of("web");
                Map<String, String> recorded = listed.stream().collect(Collectors.toMap(
                        PersistenceSessions.Session::client, s -> s.backend().orElse("?")));
                assertEquals(servedBy, recorded, "one session per client, on the backend that served it: " + listed);
                for (PersistenceSessions.Session s : listed) {
                    assertEquals(ttl, s.timeout(), s.toString());
                    // Read from the kernel's expiration, which counts in jiffies: within the jiffy
                    // the client was remembered in, the time left is the whole TTL.
                    assertTrue(s.expiresIn().isPositive() && s.expiresIn().compareTo(ttl) <= 0,
                            "time left within the TTL: " + s);
                }
                assertEquals(List.of(), sessions.of("other"), "another farm's clients are its own");

                String gone = servedBy.containsValue("b0") ? "b0" : "b1";
                String kept = gone.equals("b0") ? "b1" : "b0";
                long goneClients = servedBy.values().stream().filter(gone::equals).count();
                assertEquals(goneClients, sessions.forget("web", gone));
                Set<String> left = sessions.of("web").stream().map(s -> s.backend().orElse("?")).collect(Collectors.toSet());
                assertFalse(left.contains(gone), "no session left on " + gone + ": " + sessions.of("web"));
                assertEquals(servedBy.values().stream().filter(kept::equals).count(), sessions.of("web").size());

                String client = sessions.of("web").get(0).client();
                assertTrue(sessions.forgetClient("web", client));
                assertFalse(sessions.forgetClient("web", client), "already forgotten");
                assertTrue(sessions.of("web").stream().noneMatch(s -> s.client().equals(client)));

                // The forgotten clients connect again: each is recorded afresh, on whichever backend now serves it.
                Tally again = t.client().tcp(VIP, 80).from(sources.toArray(String[]::new)).count(sources.size()).run();
                assertEquals(sources.size(), again.answered(), again.toString());
                assertEquals(sources.size(), sessions.of("web").size(), "every client recorded again: " + sessions.of("web"));
                assertEquals(Optional.empty(), sessions.of("web").stream().filter(s -> s.backend().isEmpty()).findAny());
            }
        }
    }
}
