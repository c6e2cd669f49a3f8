package io.nftlb.testkit;

import io.nftlb.testkit.internal.AddressText;
import io.nftlb.testkit.internal.BackendServers;
import io.nftlb.testkit.internal.Commands;
import io.nftlb.testkit.internal.TopologyPlan;
import io.nftlb.testkit.internal.Tools;
import java.time.Duration;
import java.util.List;

/**
 * The balancer of a {@link Topology}: the namespace between the client and the backends,
 * with IP forwarding on, where the ruleset under test goes ({@code balancer().namespace().nft(...)}).
 *
 * <p>It faces the client on {@value TopologyPlan#BALANCER_CLIENT_INTERFACE} (10.0.0.1/24,
 * fd00::1/64) and the backends on the bridge {@value TopologyPlan#BALANCER_BACKEND_BRIDGE}
 * (10.1.0.1/24, fd00:1::1/64), whose ports are {@code veth-b0}, {@code veth-b1}, ...
 */
public final class Balancer {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final NetworkNamespace namespace;
    private final boolean ipv6;
    private Client client;

    Balancer(NetworkNamespace namespace, boolean ipv6) {
        this.namespace = namespace;
        this.ipv6 = ipv6;
    }

    /** The balancer's namespace: run {@code nft} here. */
    public NetworkNamespace namespace() {
        return namespace;
    }

    /** The interface facing the client, {@value TopologyPlan#BALANCER_CLIENT_INTERFACE}. */
    public String clientInterface() {
        return TopologyPlan.BALANCER_CLIENT_INTERFACE;
    }

    /** The bridge facing the backends, {@value TopologyPlan#BALANCER_BACKEND_BRIDGE}. */
    public String backendInterface() {
        return TopologyPlan.BALANCER_BACKEND_BRIDGE;
    }

    /** The name the balancer's own servers answer with ({@link #serve}). */
    public static final String NAME = "balancer";

    /**
     * Starts servers on the balancer itself, on every address, answering TCP on {@code ports}
     * as a backend does but with the name {@value #NAME}: for a farm whose connections are
     * delivered to this host (nftlb's local mode). Closing the result stops them.
     */
    public AutoCloseable serve(int... ports) {
        BackendServers servers = new BackendServers(NAME, namespace.threadFactory(),
                java.util.Arrays.stream(ports).boxed().toList(), false);
        servers.start();
        return servers::stop;
    }

    /** Its IPv4 address facing the client, {@code 10.0.0.1} (the client's gateway). */
    public String clientSideAddress() {
        return TopologyPlan.balancerClientSide(false);
    }

    /** Its IPv6 address facing the client, {@code fd00::1}. */
    public String clientSideAddress6() {
        requireIpv6();
        return TopologyPlan.balancerClientSide(true);
    }

    /** Its IPv4 address facing the backends, {@code 10.1.0.1} (what backends see after masquerade). */
    public String backendSideAddress() {
        return TopologyPlan.balancerBackendSide(false);
    }

    /** Its IPv6 address facing the backends, {@code fd00:1::1}. */
    public String backendSideAddress6() {
        requireIpv6();
        return TopologyPlan.balancerBackendSide(true);
    }

    /**
     * Adds a virtual address (a VIP) to the client-facing interface, so the balancer answers
     * ARP or neighbour solicitations for it: {@code "10.0.0.40"}, {@code "10.0.0.40/32"},
     * {@code "fd00::40"}. Without a prefix length, IPv4 gets /32 and IPv6 /128. IPv6
     * addresses skip duplicate address detection, so they are usable at once.
     *
     * @throws CommandFailedException if {@code ip} refuses (for example: already present)
     */
    public void addAddress(String address) {
        ip("add", address);
    }

    /** Removes an address added by {@link #addAddress(String)} (same notation). */
    public void removeAddress(String address) {
        ip("del", address);
    }

    /**
     * A client inside the balancer's namespace, sending from its client-side addresses
     * ({@code 10.0.0.1}, {@code fd00::1}): the balancer's own processes, whose packets pass the
     * output hook, never prerouting. Made on first use, closed with the topology.
     */
    public synchronized Client client() {
        if (client == null) {
            client = new Client(namespace, List.of(clientSideAddress()),
                    ipv6 ? List.of(clientSideAddress6()) : List.of());
        }
        return client;
    }

    synchronized void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    /** Namespace and interfaces. */
    @Override
    public String toString() {
        return "balancer in " + namespace + " (" + clientInterface() + ", " + backendInterface() + ")";
    }

    private void ip(String verb, String address) {
        if (!namespace.isOpen()) {
            throw new IllegalStateException("the topology is closed");
        }
        String[] parts = address.split("/", 2);
        boolean v6 = AddressText.isIpv6(AddressText.parse(parts[0]));
        String prefix = parts.length == 2 ? parts[1] : v6 ? "128" : "32";
        String line = "addr " + verb + " " + AddressText.canonical(parts[0]) + "/" + prefix + " dev "
                + clientInterface() + (v6 && verb.equals("add") ? " nodad" : "");
        Commands.run(List.of(Tools.ip(), "-n", namespace.name(), "-batch", "-"), line + "\n", IP_TIMEOUT).orThrow();
    }

    private void requireIpv6() {
        if (!ipv6) {
            throw new IllegalStateException("the topology was built without IPv6");
        }
    }
}
