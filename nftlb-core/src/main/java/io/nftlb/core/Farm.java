package io.nftlb.core;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A virtual service: the addresses and ports clients connect to, and the backends that serve
 * them. Immutable; every step of the DSL returns a new, fully validated farm, so an invalid farm
 * cannot exist:
 *
 * <pre>{@code
 * Farm web = Farm.dnat("10.0.0.40").port(80).named("web")
 *         .weighted(Backend.at("10.1.0.10").weight(100), Backend.at("10.1.0.11").weight(50));
 * Farm dns = Farm.snat("10.0.0.53").udp().port(53).roundRobin(Backend.at("10.1.0.20"), Backend.at("10.1.0.21"));
 * }</pre>
 *
 * @param name unique among farms; names the farm's chain
 * @param addresses the virtual addresses (IPv4, IPv6, or both)
 * @param ports the ports (ranges); empty means every port
 * @param protocol the transport protocol(s)
 * @param forwarding how packets reach backends
 * @param scheduler how a backend is picked for a new connection
 * @param persistence optionally keeps a client on its backend
 * @param staticSessions client address to backend name: pinned clients
 * @param portSessions client address and source port to backend name: pinned connections of a
 *     client (a client's pinned port wins over its pinned address)
 * @param backends the backends, in order
 * @param packetMark optionally marks the farm's packets (for policy routing or QoS)
 * @param limits what the farm refuses before scheduling (rates, connection counts, bans)
 * @param helper optionally a conntrack helper for the farm's connections (FTP, SIP...)
 * @param inspection logging of new connections, and NFQUEUE to a program
 * @param flowOffload optionally forwards established connections by the kernel's flowtable fast path
 * @param intraConnect whether connections that this host's own processes open to the farm's
 *     service are balanced too (nftlb's {@code intra-connect}); they never pass the prerouting
 *     hook, so the farm is also reached from the output hook
 */
public record Farm(String name, List<InetAddress> addresses, List<PortRange> ports, Protocol protocol,
                   Forwarding forwarding, Scheduler scheduler, Optional<Persistence> persistence,
                   Map<InetAddress, String> staticSessions, Map<ClientPort, String> portSessions,
                   List<Backend> backends, OptionalLong packetMark,
                   Limits limits, Optional<Helper> helper, Inspection inspection,
                   Optional<FlowOffload> flowOffload, boolean intraConnect) {

    /** Most backends one farm can have: each needs at least one slot of its scheduling table. */
    public static final int MAX_BACKENDS = 10_000;

    public Farm {
        String where = "farm \"" + name + "\"";
        Check.name(where, "name", name);
        addresses = List.copyOf(addresses);
        ports = ports.stream().sorted().toList();
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistence, "persistence");
        staticSessions = Map.copyOf(staticSessions);
        portSessions = Map.copyOf(portSessions);
        backends = List.copyOf(backends);
        Objects.requireNonNull(packetMark, "packetMark");
        Objects.requireNonNull(limits, "limits");
        Check.that(!limits.any() && backends.stream().allMatch(b -> b.maxConnections().isEmpty())
                        || !forwarding.servedAtIngress(), where, "limits need conntrack, which %s forwarding does not use",
                forwarding.keyword());
        Objects.requireNonNull(helper, "helper");
        Objects.requireNonNull(inspection, "inspection");
        Check.that(inspection.queue().isEmpty() || !forwarding.servedAtIngress(), where,
                "a queue needs conntrack, which %s forwarding does not use", forwarding.keyword());
        // DSR logs every packet at ingress, as nftlb does; stateless dNAT rewrites both ways there.
        Check.that(inspection.log().isEmpty() || !forwarding.servedAtIngress() || forwarding instanceof Forwarding.Dsr, where,
                "a log needs conntrack, which %s forwarding does not use", forwarding.keyword());
        Check.that(helper.isEmpty() || !forwarding.servedAtIngress(), where,
                "helper %s needs conntrack, which %s forwarding does not use",
                helper.map(Helper::kernelName).orElse(""), forwarding.keyword());
        if (helper.isPresent()) {
            Helper h = helper.get();
            Check.that(protocol == Protocol.ALL || h.protocols().contains(protocol), where,
                    "helper %s reads %s, not %s", h.kernelName(), h.protocols(), protocol.name().toLowerCase(Locale.ROOT));
            Check.that(h.ipv6() || addresses.stream().allMatch(a -> Addresses.family(a) == IpFamily.IPV4), where,
                    "helper %s works for IPv4 only, and the farm has IPv6 addresses", h.kernelName());
        }
        Objects.requireNonNull(flowOffload, "flowOffload");
        Check.that(flowOffload.isEmpty() || forwarding instanceof Forwarding.Dnat
                        || forwarding instanceof Forwarding.Snat, where,
                "flow offload needs forwarded connections (dnat or snat), not %s forwarding", forwarding.keyword());
        if (forwarding instanceof Forwarding.Host) {
            // Nothing is scheduled: the host's own socket serves (see Forwarding.Host).
            Check.that(backends.isEmpty(), where, "has %d backends, but host forwarding delivers to this host",
                    backends.size());
            Check.that(persistence.isEmpty() && staticSessions.isEmpty() && portSessions.isEmpty(), where,
                    "persistence and static sessions choose backends, which host forwarding does not have");
            Check.that(helper.isEmpty() && packetMark.isEmpty() && flowOffload.isEmpty() && !intraConnect, where,
                    "helpers, packet marks, flow offload and intra-connect are for forwarded connections, not host"
                            + " forwarding");
        }
        Check.that(!intraConnect || !forwarding.servedAtIngress(), where,
                "intra-connect needs conntrack, which %s forwarding does not use", forwarding.keyword());
        Check.that(flowOffload.isEmpty() || protocol != Protocol.SCTP, where,
                "flow offload forwards tcp and udp only, not sctp");
        boolean tcp = protocol == Protocol.TCP || protocol == Protocol.ALL;
        Check.that(!limits.tcpStrict() || tcp, where, "tcp strict needs tcp, not %s", protocol.name().toLowerCase(Locale.ROOT));
        Check.that(limits.resets().isEmpty() || tcp, where, "a reset limit needs tcp, not %s",
                protocol.name().toLowerCase(Locale.ROOT));
        validate(where, addresses, ports, forwarding, persistence, staticSessions, portSessions, backends, packetMark);
        if (scheduler instanceof Scheduler.Maglev m) {
            // Maglev gives every backend at least one slot, so the table must be larger.
            Check.that(backends.size() < m.tableSize(), where, "has %d backends, too many for a maglev table of %d",
                    backends.size(), m.tableSize());
        }
    }

    private static void validate(String where, List<InetAddress> addresses, List<PortRange> ports,
                                 Forwarding forwarding, Optional<Persistence> persistence,
                                 Map<InetAddress, String> staticSessions, Map<ClientPort, String> portSessions,
                                 List<Backend> backends, OptionalLong packetMark) {
        Check.that(!addresses.isEmpty(), where, "needs at least one virtual address");
        Check.that(new HashSet<>(addresses).size() == addresses.size(), where,
                "virtual addresses %s repeat an address", hosts(addresses));
        for (int i = 1; i < ports.size(); i++) {
            Check.that(!ports.get(i - 1).overlaps(ports.get(i)), where, "ports %s and %s overlap",
                    ports.get(i - 1), ports.get(i));
        }
        Set<IpFamily> families = new HashSet<>();
        addresses.forEach(a -> families.add(Addresses.family(a)));
        Check.that(backends.size() <= MAX_BACKENDS, where, "has %d backends, more than %d",
                backends.size(), MAX_BACKENDS);
        Set<String> names = new HashSet<>();
        for (Backend b : backends) {
            String bw = where + ": backend \"" + b.name() + "\"";
            Check.that(names.add(b.name()), where, "backend name \"%s\" is used twice", b.name());
            // DSR forwards frames by the backend's MAC and never writes its address: any family serves.
            Check.that(families.contains(b.family()) || forwarding instanceof Forwarding.Dsr, bw,
                    "address %s is %s but the farm's virtual addresses are %s",
                    Addresses.text(b.address()), b.family(), families);
            if (forwarding instanceof Forwarding.Dsr) {
                Check.that(b.port().isEmpty(), bw, "port %s cannot be mapped in dsr mode (packets are not rewritten)",
                        b.port().isPresent() ? b.port().getAsInt() : 0);
            }
            if (forwarding instanceof Forwarding.Local) {
                Check.that(b.address().isLoopbackAddress(), bw,
                        "address %s must be a loopback address in local mode", Addresses.text(b.address()));
            }
            if (!(forwarding instanceof Forwarding.Snat)) {
                Check.that(b.sourceAddress().isEmpty(), bw, "source address %s needs snat forwarding, not %s",
                        b.sourceAddress().map(Addresses::text).orElse(""), forwarding.keyword());
            }
        }
        if (forwarding instanceof Forwarding.Snat s && s.sourceAddress().isPresent()) {
            IpFamily sf = Addresses.family(s.sourceAddress().get());
            Check.that(families.equals(Set.of(sf)), where,
                    "snat source address %s does not cover the farm's address families %s (give backends their own)",
                    Addresses.text(s.sourceAddress().get()), families);
        }
        if (forwarding.servedAtIngress()) {
            // Persistence and static sessions need no conntrack here: DSR and stateless dNAT remember
            // clients at ingress by themselves (see compile.DsrSessions, compile.StatelessDnatSessions).
            Check.that(packetMark.isEmpty() && backends.stream().allMatch(b -> b.packetMark().isEmpty()), where,
                    "packet marks are set from conntrack marks, which %s forwarding does not use",
                    forwarding.keyword());
        }
        persistence.ifPresent(p -> Check.that(p.key() != Persistence.Key.SOURCE_MAC
                        || !(forwarding instanceof Forwarding.Local), where,
                "persistence %s cannot be used with local forwarding", p.key()));
        for (Map.Entry<InetAddress, String> s : staticSessions.entrySet()) {
            Check.that(names.contains(s.getValue()), where, "static session for %s names unknown backend \"%s\"",
                    Addresses.text(s.getKey()), s.getValue());
            Check.that(families.contains(Addresses.family(s.getKey())), where,
                    "static session client %s is not of the farm's address families %s",
                    Addresses.text(s.getKey()), families);
        }
        if (forwarding instanceof Forwarding.StatelessDnat) {
            // The backend's address replaces the client's destination, so it is of the client's family.
            for (Map.Entry<InetAddress, String> s : staticSessions.entrySet()) {
                backends.stream().filter(b -> b.name().equals(s.getValue())).findFirst().ifPresent(b -> Check.that(
                        b.family() == Addresses.family(s.getKey()), where,
                        "static session for %s names backend \"%s\" of %s; stateless dnat needs one of the client's family",
                        Addresses.text(s.getKey()), b.name(), b.family()));
            }
            for (Map.Entry<ClientPort, String> s : portSessions.entrySet()) {
                backends.stream().filter(b -> b.name().equals(s.getValue())).findFirst().ifPresent(b -> Check.that(
                        b.family() == Addresses.family(s.getKey().address()), where,
                        "static session for %s names backend \"%s\" of %s; stateless dnat needs one of the client's family",
                        s.getKey(), b.name(), b.family()));
            }
        }
        for (Map.Entry<ClientPort, String> s : portSessions.entrySet()) {
            Check.that(names.contains(s.getValue()), where, "static session for %s names unknown backend \"%s\"",
                    s.getKey(), s.getValue());
            Check.that(families.contains(Addresses.family(s.getKey().address())), where,
                    "static session client %s is not of the farm's address families %s", s.getKey(), families);
        }
        packetMark.ifPresent(m -> Check.that(m > 0 && m <= 0xffff_ffffL, where,
                "packet mark 0x%x must be within 0x1..0xffffffff", m));
    }

    private static List<String> hosts(List<InetAddress> addresses) {
        return addresses.stream().map(Addresses::text).toList();
    }

    // ---- entry points -------------------------------------------------------------------

    /** A farm that forwards with destination NAT: backends see the client's address. */
    public static Farm dnat(String... virtualAddresses) {
        return create(Shared.DNAT, virtualAddresses);
    }

    /** A farm that forwards with source NAT by masquerade: backends see the balancer's address. */
    public static Farm snat(String... virtualAddresses) {
        return create(Shared.SNAT, virtualAddresses);
    }

    /** A farm with direct server return: backends hold the virtual address and answer clients directly. */
    public static Farm dsr(String... virtualAddresses) {
        return create(Shared.DSR, virtualAddresses);
    }

    /** A farm with stateless destination NAT at ingress (no conntrack). */
    public static Farm statelessDnat(String... virtualAddresses) {
        return create(Shared.STATELESS_DNAT, virtualAddresses);
    }

    /** A farm that redirects to local ports of this host. */
    public static Farm local(String... virtualAddresses) {
        return create(Shared.LOCAL, virtualAddresses);
    }

    /**
     * A farm for a service of this host (nftlb's {@code local} mode): its traffic reaches the
     * host as addressed, through the farm's limits, log and policies (see {@link Forwarding.Host}).
     */
    public static Farm host(String... virtualAddresses) {
        return create(Shared.HOST, virtualAddresses);
    }

    private static Farm create(Forwarding forwarding, String... virtualAddresses) {
        Check.that(virtualAddresses != null && virtualAddresses.length > 0, "farm",
                "needs at least one virtual address");
        List<InetAddress> vips = new ArrayList<>();
        for (String v : virtualAddresses) {
            vips.add(Addresses.parse("farm", "virtual address", v));
        }
        String name = Addresses.text(vips.get(0)).replace(':', '.').replace('%', '.');
        return new Farm(name, vips, List.of(), Protocol.TCP, forwarding, Shared.ROUND_ROBIN,
                Optional.empty(), Map.of(), Map.of(), List.of(), OptionalLong.empty(), Limits.none(), Optional.empty(),
                Inspection.none(), Optional.empty(), false);
    }

    /**
     * Values without fields that every farm of a kind has: one instance each rather than one per
     * farm (a runtime may hold 10,000 farms).
     */
    private static final class Shared {
        static final Forwarding DNAT = new Forwarding.Dnat(true);
        static final Forwarding SNAT = new Forwarding.Snat(Optional.empty());
        static final Forwarding DSR = new Forwarding.Dsr();
        static final Forwarding STATELESS_DNAT = new Forwarding.StatelessDnat();
        static final Forwarding LOCAL = new Forwarding.Local();
        static final Forwarding HOST = new Forwarding.Host();
        static final Scheduler ROUND_ROBIN = new Scheduler.RoundRobin();
        static final Scheduler WEIGHTED = new Scheduler.Weighted();
    }

    // ---- steps --------------------------------------------------------------------------

    public Farm named(String value) {
        return new Farm(value, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    /** Serves this port (replacing any ports given before). */
    public Farm port(int value) {
        return ports(value);
    }

    /** Serves these ports (replacing any given before). */
    public Farm ports(int... values) {
        List<PortRange> list = Arrays.stream(values).mapToObj(p -> {
            Check.port(where(), "port", p);
            return PortRange.of(p);
        }).toList();
        return withPorts(list);
    }

    /** Serves an inclusive range of ports, in addition to ports given before. */
    public Farm portRange(int from, int to) {
        Check.port(where(), "port", from);
        Check.port(where(), "port", to);
        Check.that(from <= to, where(), "port range %d-%d is reversed", from, to);
        List<PortRange> list = new ArrayList<>(ports);
        list.add(new PortRange(from, to));
        return withPorts(list);
    }

    /** Serves every port. */
    public Farm allPorts() {
        return withPorts(List.of());
    }

    private Farm withPorts(List<PortRange> value) {
        return new Farm(name, addresses, value, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    public Farm protocol(Protocol value) {
        return new Farm(name, addresses, ports, value, forwarding, scheduler, persistence, staticSessions, portSessions,
                backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    public Farm tcp() {
        return protocol(Protocol.TCP);
    }

    public Farm udp() {
        return protocol(Protocol.UDP);
    }

    /** Source NAT to a fixed address instead of masquerade (snat farms only). */
    public Farm sourceAddress(String address) {
        Check.that(forwarding instanceof Forwarding.Snat, where(), "source address %s needs snat forwarding, not %s",
                address, forwarding.keyword());
        InetAddress a = Addresses.parse(where(), "source address", address);
        return forwarding(new Forwarding.Snat(Optional.of(a)));
    }

    public Farm forwarding(Forwarding value) {
        return new Farm(name, addresses, ports, protocol, value, scheduler, persistence, staticSessions, portSessions,
                backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    public Farm scheduler(Scheduler value) {
        return new Farm(name, addresses, ports, protocol, forwarding, value, persistence, staticSessions, portSessions,
                backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    /** Round robin over these backends (replacing any given before). */
    public Farm roundRobin(Backend... list) {
        return scheduler(Shared.ROUND_ROBIN).backends(list);
    }

    /** Weighted random over these backends (replacing any given before). */
    public Farm weighted(Backend... list) {
        return scheduler(Shared.WEIGHTED).backends(list);
    }

    /** Hash of the given fields, weighted, over these backends (replacing any given before). */
    public Farm hashed(List<Scheduler.HashField> fields, Backend... list) {
        return scheduler(new Scheduler.Hash(fields, 0)).backends(list);
    }

    /** Replaces the backends. */
    public Farm backends(Backend... list) {
        return backends(List.of(list));
    }

    /** Replaces the backends. */
    public Farm backends(List<Backend> list) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, list, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    /** Adds a backend, or replaces the one of the same name. */
    public Farm backend(Backend b) {
        List<Backend> list = new ArrayList<>(backends);
        int i = indexOf(b.name());
        if (i >= 0) {
            list.set(i, b);
        } else {
            list.add(b);
        }
        return backends(list);
    }

    /** Changes one backend, e.g. {@code farm.backend("b1", b -> b.weight(5))}. */
    public Farm backend(String backendName, UnaryOperator<Backend> change) {
        int i = indexOf(backendName);
        Check.that(i >= 0, where(), "has no backend \"%s\"", backendName);
        Backend changed;
        try {
            changed = change.apply(backends.get(i));
        } catch (InvalidFarmException e) {
            throw new InvalidFarmException(where() + ": " + e.getMessage());
        }
        Check.that(changed.name().equals(backendName), where(), "backend \"%s\" cannot be renamed to \"%s\" here",
                backendName, changed.name());
        List<Backend> list = new ArrayList<>(backends);
        list.set(i, changed);
        return backends(list);
    }

    /** Removes a backend (and the static sessions pinned to it). */
    public Farm withoutBackend(String backendName) {
        Check.that(indexOf(backendName) >= 0, where(), "has no backend \"%s\"", backendName);
        Map<InetAddress, String> sessions = new LinkedHashMap<>(staticSessions);
        sessions.values().removeIf(backendName::equals);
        Map<ClientPort, String> pinned = new LinkedHashMap<>(portSessions);
        pinned.values().removeIf(backendName::equals);
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, sessions, pinned,
                backends.stream().filter(b -> !b.name().equals(backendName)).toList(), packetMark, limits, helper,
                inspection, flowOffload, intraConnect);
    }

    /**
     * Keeps each client (by source address) on its backend for {@code ttl} after its last new
     * connection; for a farm served at ingress (DSR, stateless dNAT), which sees packets rather
     * than connections, after its last packet.
     */
    public Farm persistent(Duration ttl) {
        return persistence(new Persistence(Persistence.Key.SOURCE_ADDRESS, ttl));
    }

    public Farm persistence(Persistence value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, Optional.of(value), staticSessions,
                portSessions, backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    /** Always sends this client address to this backend. */
    public Farm staticSession(String clientAddress, String backendName) {
        Map<InetAddress, String> sessions = new LinkedHashMap<>(staticSessions);
        sessions.put(Addresses.parse(where(), "static session client", clientAddress), backendName);
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, sessions, portSessions,
                backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    /**
     * Always sends this client's connections from this source port to this backend (its other
     * connections are scheduled, or follow a static session of its address).
     */
    public Farm staticSession(String clientAddress, int clientPort, String backendName) {
        Map<ClientPort, String> pinned = new LinkedHashMap<>(portSessions);
        InetAddress client = Addresses.parse(where(), "static session client", clientAddress);
        try {
            pinned.put(new ClientPort(client, clientPort), backendName);
        } catch (InvalidFarmException e) {
            throw new InvalidFarmException(where() + ": " + e.getMessage());
        }
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions, pinned,
                backends, packetMark, limits, helper, inspection, flowOffload, intraConnect);
    }

    public Farm packetMark(long value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, OptionalLong.of(value), limits, helper, inspection, flowOffload, intraConnect);
    }

    /** Limits new connections of each client, e.g. {@code farm.limits(Limits.none().connectionsPerClient(20))}. */
    public Farm limits(Limits value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, value, helper, inspection, flowOffload, intraConnect);
    }

    /** A conntrack helper for the farm's connections, e.g. {@code Helper.FTP} for an FTP farm. */
    public Farm helper(Helper value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, Optional.of(value), inspection, flowOffload, intraConnect);
    }

    /** Logs new connections or hands them to an NFQUEUE: {@code farm.inspection(Inspection.none().queue(3, true))}. */
    public Farm inspection(Inspection value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, helper, value, flowOffload, intraConnect);
    }

    /**
     * Forwards the farm's established TCP and UDP connections by the kernel's flowtable fast path
     * on these devices (see {@link FlowOffload}): {@code farm.offload("eth0", "eth1")}.
     */
    public Farm offload(String... devices) {
        return offload(FlowOffload.on(devices));
    }

    public Farm offload(FlowOffload value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, helper, inspection, Optional.of(value), intraConnect);
    }

    /**
     * Whether this host's own processes that connect to the farm's service are balanced too
     * (off by default, as nftlb's {@code intra-connect}): their packets never pass the prerouting
     * hook, so the farm is also dispatched from the output hook, once per connection as from
     * prerouting.
     */
    public Farm intraConnect(boolean value) {
        return new Farm(name, addresses, ports, protocol, forwarding, scheduler, persistence, staticSessions,
                portSessions, backends, packetMark, limits, helper, inspection, flowOffload, value);
    }

    /**
     * Whether a connection from one of the farm's backends to the farm's service is masqueraded to
     * the balancer's address on the backends' side (dnat farms only; on by default). Without it the
     * chosen backend answers the caller directly and the caller drops a reply that does not come
     * from the virtual address; other clients keep their own address either way.
     */
    public Farm hairpin(boolean value) {
        Check.that(forwarding instanceof Forwarding.Dnat, where(), "hairpin %s needs dnat forwarding, not %s",
                value ? "on" : "off", forwarding.keyword());
        return forwarding(new Forwarding.Dnat(value));
    }

    // ---- queries ------------------------------------------------------------------------

    /** IPv4, IPv6 or both, from the virtual addresses. */
    public IpFamily family() {
        boolean v4 = addresses.stream().anyMatch(a -> Addresses.family(a) == IpFamily.IPV4);
        boolean v6 = addresses.stream().anyMatch(a -> Addresses.family(a) == IpFamily.IPV6);
        return v4 && v6 ? IpFamily.DUAL : v4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /** The backend with this name. */
    public Optional<Backend> backend(String backendName) {
        int i = indexOf(backendName);
        return i < 0 ? Optional.empty() : Optional.of(backends.get(i));
    }

    private int indexOf(String backendName) {
        for (int i = 0; i < backends.size(); i++) {
            if (backends.get(i).name().equals(backendName)) {
                return i;
            }
        }
        return -1;
    }

    private String where() {
        return "farm \"" + name + "\"";
    }
}
