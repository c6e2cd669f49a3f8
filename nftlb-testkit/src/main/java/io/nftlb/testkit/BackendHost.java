package io.nftlb.testkit;

import io.nftlb.testkit.internal.BackendServers;
import io.nftlb.testkit.internal.TopologyPlan;
import java.util.List;

/**
 * One backend of a {@link Topology}: a namespace on the balancer's backend segment running
 * a tiny TCP server (and optionally a UDP server) on each port of the topology.
 *
 * <p>The servers answer with the backend's {@link #name()} and the client address they saw;
 * see {@link Topology} for the protocol. Stop them to make the backend's ports refuse
 * connections, for failover tests.
 */
public final class BackendHost {
    private final int index;
    private final String address;
    private final String address6;
    private final NetworkNamespace namespace;
    private final List<Integer> ports;
    private final BackendServers servers;
    private Client client;

    BackendHost(int index, String address, String address6, NetworkNamespace namespace, List<Integer> ports,
            boolean udp) {
        this.index = index;
        this.address = address;
        this.address6 = address6;
        this.namespace = namespace;
        this.ports = List.copyOf(ports);
        this.servers = new BackendServers(name(), namespace.threadFactory(), ports, udp);
    }

    /** The backend's number, from 0. */
    public int index() {
        return index;
    }

    /** The name its servers answer with: {@code b0}, {@code b1}, ... */
    public String name() {
        return TopologyPlan.backendName(index);
    }

    /** Its IPv4 address, {@code 10.1.0.(10 + index)}. */
    public String address() {
        return address;
    }

    /** Its IPv6 address, {@code fd00:1::(10 + index)}; throws if the topology has no IPv6. */
    public String address6() {
        if (address6 == null) {
            throw new IllegalStateException("the topology was built without IPv6");
        }
        return address6;
    }

    /**
     * A client inside the backend's namespace, sending from the backend's addresses: a backend
     * calling a service through the balancer (hairpin when it is the backend's own service).
     * Made on first use, closed with the topology.
     */
    public synchronized Client client() {
        if (client == null) {
            client = new Client(namespace, List.of(address), address6 == null ? List.of() : List.of(address6));
        }
        return client;
    }

    synchronized void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    /** Its namespace. */
    public NetworkNamespace namespace() {
        return namespace;
    }

    /** Its interface towards the balancer ({@code eth0}). */
    public String interfaceName() {
        return TopologyPlan.HOST_INTERFACE;
    }

    /** The MAC address of its interface towards the balancer (what DSR rewrites packets to). */
    public String macAddress() {
        return namespace.macAddress(interfaceName());
    }

    /**
     * Holds {@code address} (a VIP, e.g. {@code 10.0.0.40}) on its loopback as a /32 or /128, so
     * that it accepts packets for it and answers from it, as a DSR backend does.
     *
     * @throws CommandFailedException if {@code ip} refuses (for example: already present)
     */
    public void addLoopbackAddress(String address) {
        namespace.execOrThrow("ip", "addr", "add", address + (address.contains(":") ? "/128" : "/32"), "dev", "lo");
    }

    /** The ports its servers listen on. */
    public List<Integer> ports() {
        return ports;
    }

    /**
     * Stops its servers as a crash would: listening sockets and open connections are closed,
     * so new TCP connections are refused (RST) and UDP gets ICMP port unreachable. Does
     * nothing if already stopped.
     */
    public void stopServers() {
        servers.stop();
    }

    /**
     * Makes this backend slow: each TCP connection gets its greeting {@code delay} after it is
     * accepted (for least-response-time tests). {@link java.time.Duration#ZERO} makes it fast again.
     */
    public void greetingDelay(java.time.Duration delay) {
        servers.greetingDelay(delay);
    }

    /**
     * Makes the path to this backend lossy the way that matters to a load balancer: the first
     * packet of each new client flow (the first SYN of each client address and port, the first
     * datagram of each UDP flow) is dropped in its namespace, so the client sends it again. The
     * balancer sees that second packet as NEW in conntrack as well: a balancer that schedules
     * every NEW packet would choose again for it. Stays for the backend's life.
     *
     * @throws CommandFailedException if {@code nft} refuses (for example: called twice)
     */
    public void dropFirstPacketOfEachFlow() {
        namespace.nft(DROP_FIRST_PACKET);
    }

    private static final String DROP_FIRST_PACKET = """
            table inet nftlbt-lossy {
            	set seen4 {
            		typeof meta l4proto . ip saddr . th sport
            		flags dynamic
            	}
            	set seen6 {
            		typeof meta l4proto . ip6 saddr . th sport
            		flags dynamic
            	}
            	chain input {
            		type filter hook input priority filter; policy accept;
            		tcp flags & (syn | ack) == syn meta l4proto . ip saddr . th sport != @seen4 add @seen4 { meta l4proto . ip saddr . th sport } drop
            		tcp flags & (syn | ack) == syn meta l4proto . ip6 saddr . th sport != @seen6 add @seen6 { meta l4proto . ip6 saddr . th sport } drop
            		meta l4proto udp meta l4proto . ip saddr . th sport != @seen4 add @seen4 { meta l4proto . ip saddr . th sport } drop
            		meta l4proto udp meta l4proto . ip6 saddr . th sport != @seen6 add @seen6 { meta l4proto . ip6 saddr . th sport } drop
            	}
            }
            """;

    /** Starts its servers again (they start with the topology); does nothing if running. */
    public void startServers() {
        servers.start();
    }

    /** Whether its servers are listening. */
    public boolean serversRunning() {
        return servers.running();
    }

    /** Name, addresses and namespace. */
    @Override
    public String toString() {
        return name() + " " + address + (address6 == null ? "" : " " + address6) + " in " + namespace;
    }
}
