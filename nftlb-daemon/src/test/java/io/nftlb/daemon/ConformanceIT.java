package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;
import io.nftlb.core.Backend;
import io.nftlb.core.ClientPort;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.Persistence;
import io.nftlb.core.Policy;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.Balancer;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * nftlb's own configuration cases against the kernel. Every case either applies in a namespace
 * or names its unsupported fields; for a few cases that together cover the supported features
 * (every mode: snat, dnat, dsr, stlsdnat and local; every scheduler: weight, rr, hash, symhash;
 * multiport, persistence, static sessions by client and by client port, backend ports, IPv4 and
 * IPv6) traffic shows the daemon's ruleset behaves as nftlb's expected
 * ruleset ({@code output.nft}, loaded with {@code nft -f} in a second topology): the same
 * backends answer, each with its weight's share of {@value #CONNECTIONS} connections within
 * {@value #SIGMAS} binomial standard deviations, they see the same source address (sNAT or
 * dNAT transparency), and a persistent or pinned client stays on one backend. Case 013's weights
 * (2:1:1:2:1) are too close to equal for 100 connections to tell them from round robin, so a
 * variant with weights 12:1:1:1:1 over {@value #UNEQUAL_CONNECTIONS} connections checks that
 * weights are obeyed. Addresses are looked for as whole tokens of the ruleset (192.168.0.10 is not
 * in 192.168.0.100).
 *
 * <p>The cases use addresses such as 192.168.0.100 with backends 192.168.0.10, .11, ...: both
 * the JSON and the expected ruleset are moved onto the topology's addresses the same way
 * ({@link AddressRemap}), and a dsr or stlsdnat case's devices and MACs onto the topology's
 * ({@link LinkRemap}); a dsr case's backends hold the virtual address and answer directly. A
 * local case's connections are answered by a server on the balancer itself.
 */
@RequiresNetns
class ConformanceIT {

    static final int CONNECTIONS = 100;
    /** Connections of the strongly unequal weights case. */
    static final int UNEQUAL_CONNECTIONS = 400;
    /**
     * How far a backend's count may be from n * p, in standard deviations of Binomial(n, p):
     * a correct scheduler fails one check in about 150,000.
     */
    static final double SIGMAS = 4.5;
    /** The case whose weights are made strongly unequal: 12:1:1:1:1. */
    static final String WEIGHTED_CASE = "013_dnat_ipv4_tcp_weighted_rr";
    static final int[] UNEQUAL_WEIGHTS = {12, 1, 1, 1, 1};
    /** Few cases with traffic (the machine is small); together they cover the supported features. */
    static final List<String> TRAFFIC_CASES = List.of("003_snat_ipv4_tcp_weight_multi",
            "009_snat_ipv4_multiport_symhash", "013_dnat_ipv4_tcp_weighted_rr",
            "046_snat_ipv4_tcp_weight_static_sessions_srcip_srcport", "047_snat_ipv4_tcp_weight_static_sessions_srcip",
            "049_snat_ipv4_ipv6_tcp_weight",
            "029_dnat_ipv4_tcp_udp_multifarm_hash_params", "045_local_proxy_with_policies",
            "063_local_with_farm_srcaddr", "010_dsr_ipv4_multiport_tcp_symhash", "015_stlsdnat_ipv4_tcp_hash",
            "066_dsr_ipv4_tcp_hash_persistence_srcip", "051_dsr_ipv4_tcp_weight_static_sessions_srcip_srcport");

    @Test
    void everyCaseAppliesOrNamesItsUnsupportedFields(NetworkNamespace ns) {
        ns.execOrThrow("ip", "link", "set", "lo", "up"); // the cases' virtual addresses are on lo, as on nftlb's host
        DeviceFinder devices = DeviceFinder.ip(Optional.of(ns.name()));
        List<String> applied = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Path c : ConformanceCases.all()) {
            JsonNode config = ConfigMapper.read(c.resolve("input.json"));
            List<Farm> farms;
            Map<String, DsrPath> paths;
            Map<String, Policy> policies;
            try {
                ConfigMapper.Mapped mapped = ConfigMapper.mapAll(config, devices);
                farms = mapped.farms();
                paths = mapped.paths();
                policies = mapped.policies();
            } catch (UnsupportedFieldsException e) {
                assertFalse(e.problems().isEmpty(), c.toString());
                e.problems().forEach(p -> assertTrue(p.matches("^(farm|policy) \"[^\"]+\": .*field \"[^\"]+\" = .*"
                        + "is not supported.*"), "case " + c.getFileName() + ": " + p));
                refused.add(c.getFileName().toString());
                continue;
            }
            try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), config, devices)) {
                assertEquals(farms, daemon.farms(), "case " + c.getFileName());
            }
            String ruleset = ns.listRuleset();
            for (Farm f : farms) {
                for (InetAddress vip : f.addresses()) {
                    assertTrue(Tokens.contains(ruleset, InetAddresses.toAddrString(vip)),
                            "case " + c.getFileName() + ": no " + vip + " in\n" + ruleset);
                }
                for (Backend b : f.backends()) {
                    // DSR forwards by MAC: its backends are their MACs in the netdev table.
                    String seen = f.forwarding() instanceof Forwarding.Dsr ? paths.get(f.name()).backendMacs().get(b.name())
                            : InetAddresses.toAddrString(b.address());
                    assertTrue(Tokens.contains(ruleset, seen), "case " + c.getFileName() + ": no backend " + seen + " in\n" + ruleset);
                }
                for (Policy p : policies.values()) { // each farm's policies: their networks in the netdev table
                    p.networks().forEach(n -> assertTrue(Tokens.contains(ruleset, InetAddresses.toAddrString(n.first())),
                            "case " + c.getFileName() + ": no " + n + " of policy " + p.name() + " in\n" + ruleset));
                    p.log().ifPresent(g -> assertTrue(ruleset.contains("log prefix \"" + g.prefix() + "\" drop"),
                            "case " + c.getFileName() + ": no log of policy " + p.name() + " in\n" + ruleset));
                }
                for (String rule : protections(f)) {
                    assertTrue(ruleset.contains(rule), "case " + c.getFileName() + ": no \"" + rule + "\" in\n" + ruleset);
                }
            }
            applied.add(c.getFileName().toString());
        }
        assertTrue(applied.containsAll(TRAFFIC_CASES), "applied " + applied + ", refused " + refused);
    }

    /** What the kernel's ruleset shows of a farm's limits, helper and logs (their rules' own words). */
    private static List<String> protections(Farm f) {
        List<String> rules = new ArrayList<>();
        f.limits().newConnections().ifPresent(r -> rules.add("limit rate over " + r.count() + "/"));
        f.limits().resets().ifPresent(r -> rules.add("tcp flags rst update"));
        f.limits().connectionsPerClient().ifPresent(n -> rules.add("ct count over " + n + " }"));
        f.backends().forEach(b -> b.maxConnections().ifPresent(n -> rules.add("ct mark ct count over " + n + " }")));
        f.helper().ifPresent(h -> rules.add("ct helper set \"" + h.kernelName() + "-"));
        if (f.limits().tcpStrict()) {
            rules.add("ct state invalid");
        }
        f.limits().log().ifPresent(g -> rules.add(g.rate().map(r -> "limit rate " + r + " ").orElse("")
                + "log prefix \"" + g.prefix()));
        f.inspection().log().ifPresent(g -> rules.add("log prefix \"" + g.prefix() + "\""));
        return rules;
    }

    @Test
    void trafficSeesTheSameBehaviourAsNftlbsRuleset() {
        Path dir = ConformanceCases.all().get(0).getParent();
        for (String name : TRAFFIC_CASES) {
            Path c = dir.resolve(name);
            String json = ConformanceCases.read(c.resolve("input.json"));
            String nft = ConformanceCases.read(c.resolve("output.nft"));
            int[] needs = AddressRemap.needs(ConfigMapper.parse(json));
            Map<String, Observation> ours = observe(json, needs, CONNECTIONS);
            Map<String, Observation> nftlbs;
            List<Farm> farms;
            try (Topology t = topology(needs, json)) {
                AddressRemap remap = AddressRemap.onto(ConfigMapper.parse(json), t);
                String remapped = remap.apply(json);
                String ruleset = remap.apply(nft);
                if (LinkRemap.atIngress(ConfigMapper.parse(json))) {
                    LinkRemap link = LinkRemap.onto(ConfigMapper.parse(remapped), t);
                    remapped = link.json(remapped);
                    ruleset = link.nft(ruleset);
                }
                farms = ConfigMapper.map(withoutPolicies(remapped));
                addVirtualAddresses(t, remap, json);
                t.balancer().namespace().nft(ruleset);
                try (Servers host = serveHostFarms(t, farms)) {
                    nftlbs = probe(t, farms, CONNECTIONS);
                }
            }
            for (Farm f : farms) {
                compare(name, f, ours, nftlbs);
            }
            System.out.printf("[ConformanceIT] %s: %s, compared %s%n", name, farms.stream()
                    .map(f -> f.name() + " " + f.forwarding().keyword() + " " + f.scheduler().getClass().getSimpleName())
                    .toList(), ours.keySet());
        }
    }

    /**
     * Case 013 with weights 12:1:1:1:1 through the daemon: b0 gets 3/4 of the connections, each
     * other backend 1/16, each within {@value #SIGMAS} binomial standard deviations. Round robin
     * (1/5 each) is 12 deviations off for b0.
     */
    @Test
    void stronglyUnequalWeightsGiveEachBackendItsShare() {
        Path c = ConformanceCases.all().get(0).getParent().resolve(WEIGHTED_CASE);
        ObjectNode config = (ObjectNode) ConfigMapper.parse(ConformanceCases.read(c.resolve("input.json")));
        ObjectNode farm = (ObjectNode) config.get("farms").get(0);
        assertEquals("weight", farm.get("scheduler").asText(), "the case is weighted");
        for (int i = 0; i < UNEQUAL_WEIGHTS.length; i++) {
            ((ObjectNode) farm.get("backends").get(i)).put("weight", String.valueOf(UNEQUAL_WEIGHTS[i]));
        }
        String json = config.toString();
        Farm mapped = ConfigMapper.map(config).get(0);
        assertEquals(List.of(12, 1, 1, 1, 1), mapped.backends().stream().map(Backend::weight).toList());
        Map<String, Observation> ours = observe(json, AddressRemap.needs(config), UNEQUAL_CONNECTIONS);
        assertEquals(1, ours.size(), ours.keySet().toString());
        Observation o = ours.values().iterator().next();
        assertEquals(UNEQUAL_CONNECTIONS, o.tally.answered(), "every connection should be answered: " + o.tally);
        Map<String, Double> expected = Map.of("b0", 12 / 16.0, "b1", 1 / 16.0, "b2", 1 / 16.0, "b3", 1 / 16.0,
                "b4", 1 / 16.0);
        assertEquals(expected, expectedShares(mapped), "the farm's shares by weight");
        expected.forEach((backend, share) -> assertBinomial(backend, share, o, WEIGHTED_CASE + " 12:1:1:1:1"));
    }

    /** {@code backend}'s count in {@code o} is within {@value #SIGMAS} standard deviations of Binomial(n, share). */
    static void assertBinomial(String backend, double share, Observation o, String where) {
        int n = o.requests;
        double sd = Math.sqrt(n * share * (1 - share));
        int count = o.tally.count(backend);
        assertTrue(Math.abs(count - n * share) <= SIGMAS * sd, backend + " got " + count + " of " + n
                + " new connections, expected " + Math.round(n * share) + " +- " + Math.round(SIGMAS * sd)
                + " (share " + share + "): " + where + "\n  " + o.tally);
    }

    /** Applies the case through the daemon in a fresh topology and sends traffic. */
    private static Map<String, Observation> observe(String json, int[] needs, int connections) {
        try (Topology t = topology(needs, json)) {
            AddressRemap remap = AddressRemap.onto(ConfigMapper.parse(json), t);
            String remapped = remap.apply(json);
            if (LinkRemap.atIngress(ConfigMapper.parse(json))) {
                remapped = LinkRemap.onto(ConfigMapper.parse(remapped), t).json(remapped);
            }
            JsonNode config = ConfigMapper.parse(remapped);
            addVirtualAddresses(t, remap, json);
            String ns = t.balancer().namespace().name();
            try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns), config,
                    DeviceFinder.ip(Optional.of(ns)));
                 Servers host = serveHostFarms(t, daemon.farms())) {
                return probe(t, daemon.farms(), connections);
            }
        }
    }

    /**
     * Servers on the balancer itself for the farms in nftlb's local mode, whose connections are
     * delivered to the host: on the ports the probes use.
     */
    private static Servers serveHostFarms(Topology t, List<Farm> farms) {
        int[] ports = farms.stream().filter(f -> f.forwarding() instanceof Forwarding.Host)
                .flatMap(f -> probedPorts(f).stream()).distinct().mapToInt(Integer::intValue).toArray();
        if (ports.length == 0) {
            return () -> { };
        }
        AutoCloseable servers = t.balancer().serve(ports);
        return () -> {
            try {
                servers.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Servers that stop when closed. */
    private interface Servers extends AutoCloseable {
        @Override
        void close();
    }

    private static Topology topology(int[] needs, String json) {
        Set<Integer> ports = new TreeSet<>();
        for (Farm f : ConfigMapper.map(withoutPolicies(json))) {
            probedPorts(f).forEach(ports::add);
            f.backends().forEach(b -> b.port().ifPresent(ports::add));
        }
        // DSR backends answer clients directly; every other mode's replies come back through the balancer.
        return Topology.builder().backends(needs[0]).clientAddresses(needs[1] + 1)
                .returnPath(LinkRemap.dsr(ConfigMapper.parse(json)) ? ReturnPath.DIRECT : ReturnPath.VIA_BALANCER)
                .ports(ports.stream().mapToInt(Integer::intValue).toArray()).start();
    }

    /**
     * The case's virtual addresses on the balancer (which answers ARP for them), and for a dsr
     * case on the backends' loopback too: they serve the virtual address themselves.
     */
    private static void addVirtualAddresses(Topology t, AddressRemap remap, String json) {
        remap.virtualAddresses().forEach(t.balancer()::addAddress);
        if (LinkRemap.dsr(ConfigMapper.parse(json))) {
            remap.virtualAddresses().forEach(vip -> t.backends().forEach(b -> b.addLoopbackAddress(vip)));
        }
    }

    /** The case without its policies: only its farms' ports are wanted, and a policy needs a device to be mapped. */
    private static JsonNode withoutPolicies(String json) {
        ObjectNode config = (ObjectNode) ConfigMapper.parse(json);
        config.remove("policies");
        config.path("farms").forEach(f -> ((ObjectNode) f).remove("policies"));
        return config;
    }

    /** The first port of each of the farm's first two ranges. */
    private static List<Integer> probedPorts(Farm f) {
        return f.ports().stream().limit(2).map(PortRange::from).toList();
    }

    /** Per farm, port and source: who answered and who they saw. */
    private static Map<String, Observation> probe(Topology t, List<Farm> farms, int connections) {
        Map<String, Observation> seen = new LinkedHashMap<>();
        for (Farm f : farms) {
            if (f.protocol() != Protocol.TCP) {
                continue;
            }
            String vip = InetAddresses.toAddrString(f.addresses().get(0));
            boolean v6 = f.addresses().get(0).getAddress().length == 16;
            List<Integer> ports = probedPorts(f);
            for (int i = 0; i < ports.size(); i++) {
                String source = v6 ? t.client().address6() : t.client().address();
                int count = i == 0 ? connections : 10;
                seen.put(key(f, ports.get(i), source), new Observation(t.client().tcp(vip, ports.get(i))
                        .from(source).count(count).concurrency(4).run(), count));
            }
            for (InetAddress client : f.staticSessions().keySet()) {
                String source = InetAddresses.toAddrString(client);
                seen.put(key(f, ports.get(0), source), new Observation(t.client().tcp(vip, ports.get(0))
                        .from(source).count(6).run(), 6));
            }
            for (ClientPort client : f.portSessions().keySet()) {
                // One connection from the pinned port (a port serves one connection at a time).
                seen.put(key(f, ports.get(0), client.toString()), new Observation(t.client().tcp(vip, ports.get(0))
                        .from(InetAddresses.toAddrString(client.address())).fromPort(client.port()).count(1).run(), 1));
            }
        }
        return seen;
    }

    private static String key(Farm f, int port, String source) {
        return f.name() + ":" + port + " from " + source;
    }

    private static void compare(String name, Farm farm, Map<String, Observation> ours, Map<String, Observation> theirs) {
        for (String key : ours.keySet()) {
            if (!key.startsWith(farm.name() + ":")) {
                continue;
            }
            Observation o = ours.get(key);
            Observation n = theirs.get(key);
            String where = name + " " + key + "\n  ours:  " + o.tally + "\n  nftlb: " + n.tally;
            assertEquals(o.requests, o.tally.answered(), "every connection should be answered: " + where);
            assertEquals(n.requests, n.tally.answered(), "every connection should be answered: " + where);
            assertEquals(n.peers(), o.peers(), "backends should see the same source address: " + where);
            String source = key.substring(key.indexOf(" from ") + 6);
            String pinned = pinnedBackend(farm, source);
            if (farm.forwarding() instanceof Forwarding.Host) {
                // nftlb's local mode: the host's own server answers, and sees the client (no NAT).
                assertEquals(Set.of(Balancer.NAME), o.tally.backends(), "delivered to this host: " + where);
                assertEquals(Set.of(Balancer.NAME), n.tally.backends(), "delivered to this host: " + where);
                assertEquals(Set.of(source), o.peers(), "not NATed: " + where);
            } else if (pinned != null && source.contains(" . ")) {
                // A pinned client port: its connection goes to the port's backend.
                assertEquals(Set.of(pinned), o.tally.backends(), "a pinned client port goes to its backend: " + where);
                assertEquals(Set.of(pinned), n.tally.backends(), "a pinned client port goes to its backend: " + where);
            } else if (pinned != null) {
                assertEquals(Set.of(pinned), o.tally.backends(), "a pinned client stays on its backend: " + where);
                assertEquals(Set.of(pinned), n.tally.backends(), "a pinned client stays on its backend: " + where);
            } else if (farm.scheduler() instanceof Scheduler.Hash h && !h.fields().contains(Scheduler.HashField.SOURCE_PORT)) {
                // One client to one address and port: a hash of fields other than the client's port is one value.
                assertEquals(1, o.tally.backends().size(), "one hash value, one backend: " + where);
                assertEquals(1, n.tally.backends().size(), "one hash value, one backend: " + where);
            } else if (farm.persistence().map(p -> p.key() == Persistence.Key.SOURCE_ADDRESS).orElse(false)) {
                assertEquals(1, o.tally.backends().size(), "one client, persistence by srcip: " + where);
                assertEquals(1, n.tally.backends().size(), "one client, persistence by srcip: " + where);
            } else if (o.requests == CONNECTIONS) {
                Map<String, Double> expected = expectedShares(farm);
                assertEquals(expected.keySet(), o.tally.backends(), "backends reached: " + where);
                assertEquals(expected.keySet(), n.tally.backends(), "backends reached: " + where);
                for (var e : expected.entrySet()) {
                    assertBinomial(e.getKey(), e.getValue(), o, "ours, " + where);
                    assertBinomial(e.getKey(), e.getValue(), n, "nftlb's, " + where);
                }
            }
        }
    }

    /** The topology backend's name ("b<i>") of the backend a source is pinned to, or null. */
    private static String pinnedBackend(Farm farm, String source) {
        for (var s : farm.portSessions().entrySet()) {
            if (s.getKey().toString().equals(source)) {
                return topologyName(farm, farm.backend(s.getValue()).orElseThrow());
            }
        }
        for (var s : farm.staticSessions().entrySet()) {
            if (InetAddresses.toAddrString(s.getKey()).equals(source)) {
                return topologyName(farm, farm.backend(s.getValue()).orElseThrow());
            }
        }
        return null;
    }

    /** Shares of new connections by topology backend name: the lowest serving tier, by weight (rr: equal). */
    private static Map<String, Double> expectedShares(Farm farm) {
        int tier = farm.backends().stream().filter(Backend::serving).mapToInt(Backend::priority).min().orElse(1);
        List<Backend> serving = farm.backends().stream().filter(b -> b.serving() && b.priority() == tier).toList();
        boolean equal = farm.scheduler() instanceof Scheduler.RoundRobin || farm.scheduler() instanceof Scheduler.SymmetricHash
                && serving.stream().mapToInt(Backend::weight).distinct().count() == 1;
        double total = equal ? serving.size() : serving.stream().mapToInt(Backend::weight).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        serving.forEach(b -> shares.put(topologyName(farm, b), (equal ? 1 : b.weight()) / total));
        return shares;
    }

    /** Topology backends are named b0, b1, ... after the last octet (group) of their address: 10 + i. */
    private static String topologyName(Farm farm, Backend b) {
        byte[] a = b.address().getAddress();
        return "b" + ((a[a.length - 1] & 0xff) - (a.length == 4 ? 10 : 0x10));
    }

    private record Observation(Tally tally, int requests) {
        Set<String> peers() {
            Set<String> peers = new TreeSet<>();
            tally.peersByBackend().values().forEach(peers::addAll);
            return peers;
        }
    }
}
