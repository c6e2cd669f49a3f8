package io.nftlb.testkit;

import io.nftlb.testkit.internal.Commands;
import io.nftlb.testkit.internal.TestScope;
import io.nftlb.testkit.internal.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two balancers behind a router that spreads flows over them with an ECMP route (IPv4 only),
 * for testing consistent hashing and failover between balancers.
 *
 * <pre>
 *  client          router                          balancer I (I = 0, 1)         backend J
 *  eth0 -------- veth-client                       
 *  10.0.0.2/24     10.0.0.1/24
 *                  veth-lbI 10.2.I.1/24 --------- front 10.2.I.2/24
 *                  br-backends (no address) ----- back 10.1.0.(2+I)/24, MAC 02:00:00:00:0(I+1):02
 *                               \------------------------------------------------ eth0 10.1.0.(10+J)/24
 *  route 10.9.0.0/24 nexthop via 10.2.0.2 nexthop via 10.2.1.2 (L4 hash: fib_multipath_hash_policy=1)
 * </pre>
 *
 * <p>Virtual addresses are any of {@value #VIP_PREFIX}; the balancers need no address for
 * them (dNAT happens before routing). Balancers forward, have reverse-path filtering off and
 * conntrack's loose TCP pickup on ({@code nf_conntrack_tcp_loose=1}, also the kernel's
 * default), so a balancer takes over flows that were on the other one mid-stream.
 *
 * <p>Return path for dNAT, "return to sender": a backend sends each reply through the balancer
 * that sent it the flow's latest packet. Its own ruleset copies the sender's MAC into
 * {@code ct mark} (1 or 2) on every packet, its output sets {@code meta mark} from it, and
 * policy routes (fwmark 1 and 2) pick balancer 0 or 1 as gateway. After a failover the
 * survivor's packets re-mark the flow, so replies follow, and the survivor, which took
 * the flow over with its own conntrack entry, un-NATs them.
 *
 * <p>{@link #failBalancer(int)} takes a balancer's links down as a crash would: the router
 * sees the carrier loss and ({@code ignore_routes_with_linkdown=1}) sends every flow to the
 * other balancer. {@link #close()} deletes every namespace.
 */
public final class EcmpTopology implements AutoCloseable {
    /** The prefix the router sends to the balancers. */
    public static final String VIP_PREFIX = "10.9.0.0/24";
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);

    private final List<NetworkNamespace> namespaces;
    private final List<BackendHost> backends = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Client client;

    private EcmpTopology(List<NetworkNamespace> namespaces) {
        this.namespaces = namespaces;
    }

    /**
     * Builds the topology and starts the backends' servers on TCP port 80.
     *
     * @param backendCount 1..64
     * @param clientAddresses source addresses of the client (1..100): 10.0.0.2, 10.0.0.100, ...
     */
    public static EcmpTopology start(int backendCount, int clientAddresses) {
        if (backendCount < 1 || backendCount > 64 || clientAddresses < 1 || clientAddresses > 100) {
            throw new IllegalArgumentException("backends 1..64, client addresses 1..100");
        }
        EcmpTopology t = new EcmpTopology(NetworkNamespace.createAll(4 + backendCount));
        try {
            t.wire(backendCount, clientAddresses);
        } catch (RuntimeException | Error e) {
            try {
                t.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        TestScope.track(t);
        return t;
    }

    /** The client. */
    public Client client() {
        return client;
    }

    /** The router's namespace. */
    public NetworkNamespace router() {
        return namespaces.get(1);
    }

    /** Balancer {@code index} (0 or 1). */
    public NetworkNamespace balancer(int index) {
        return namespaces.get(2 + index);
    }

    /** The backends ({@code b0, b1, ...} at 10.1.0.10, 10.1.0.11, ...). */
    public List<BackendHost> backends() {
        return List.copyOf(backends);
    }

    /** Takes both links of balancer {@code index} down, as if it had crashed. */
    public void failBalancer(int index) {
        ip(balancer(index), List.of("link set front down", "link set back down"));
    }

    private void wire(int backendCount, int clientAddresses) {
        NetworkNamespace clientNs = namespaces.get(0);
        NetworkNamespace router = router();
        sysctl(router, "net.ipv4.ip_forward=1", "net.ipv4.fib_multipath_hash_policy=1",
                "net.ipv4.conf.all.ignore_routes_with_linkdown=1", "net.ipv4.conf.all.rp_filter=0",
                "net.ipv4.conf.default.rp_filter=0");
        List<String> r = new ArrayList<>(List.of("link set lo up",
                "link add veth-client type veth peer name eth0 netns " + clientNs.name(),
                "addr add 10.0.0.1/24 dev veth-client", "link set veth-client up",
                "link add br-backends type bridge forward_delay 0 stp_state 0 mcast_snooping 0",
                "link set br-backends up"));
        for (int i = 0; i < 2; i++) {
            NetworkNamespace lb = balancer(i);
            sysctl(lb, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            r.add("link add veth-lb" + i + " type veth peer name front netns " + lb.name());
            r.add("addr add 10.2." + i + ".1/24 dev veth-lb" + i);
            r.add("link set veth-lb" + i + " up");
            r.add("link add veth-l" + i + "b type veth peer name back netns " + lb.name());
            r.add("link set veth-l" + i + "b master br-backends");
            r.add("link set veth-l" + i + "b up");
        }
        for (int j = 0; j < backendCount; j++) {
            r.add("link add veth-b" + j + " type veth peer name eth0 netns " + namespaces.get(4 + j).name());
            r.add("link set veth-b" + j + " master br-backends");
            r.add("link set veth-b" + j + " up");
        }
        ip(router, r);
        List<String> c = new ArrayList<>(List.of("link set lo up", "link set eth0 up"));
        List<String> sources = new ArrayList<>(List.of("10.0.0.2"));
        for (int k = 0; k < clientAddresses - 1; k++) {
            sources.add("10.0.0." + (100 + k));
        }
        sources.forEach(a -> c.add("addr add " + a + "/24 dev eth0"));
        c.add("route add default via 10.0.0.1");
        ip(clientNs, c);
        for (int i = 0; i < 2; i++) {
            ip(balancer(i), List.of("link set lo up", "addr add 10.2." + i + ".2/24 dev front", "link set front up",
                    "link set back address 02:00:00:00:0" + (i + 1) + ":02",
                    "addr add 10.1.0." + (2 + i) + "/24 dev back", "link set back up",
                    "route add default via 10.2." + i + ".1"));
        }
        // The route needs its gateways reachable: added once the balancers' ends are up.
        ip(router, List.of("route add " + VIP_PREFIX
                + " nexthop via 10.2.0.2 dev veth-lb0 nexthop via 10.2.1.2 dev veth-lb1"));
        for (int j = 0; j < backendCount; j++) {
            NetworkNamespace b = namespaces.get(4 + j);
            ip(b, List.of("link set lo up", "addr add 10.1.0." + (10 + j) + "/24 dev eth0", "link set eth0 up",
                    "route add default via 10.1.0.2",
                    "rule add fwmark 1 table 101", "route add default via 10.1.0.2 dev eth0 table 101",
                    "rule add fwmark 2 table 102", "route add default via 10.1.0.3 dev eth0 table 102"));
            b.nft("""
                    table ip return-to-sender {
                      chain pre { type filter hook prerouting priority mangle;
                        ether saddr 02:00:00:00:01:02 ct mark set 1
                        ether saddr 02:00:00:00:02:02 ct mark set 2
                      }
                      chain out { type route hook output priority mangle; meta mark set ct mark; }
                    }
                    """);
        }
        client = new Client(clientNs, sources, List.of());
        for (int j = 0; j < backendCount; j++) {
            BackendHost backend = new BackendHost(j, "10.1.0." + (10 + j), null, namespaces.get(4 + j), List.of(80), false);
            backends.add(backend);
            backend.startServers();
        }
    }

    private static void sysctl(NetworkNamespace ns, String... settings) {
        String[] command = new String[settings.length + 2];
        command[0] = "sysctl";
        command[1] = "-qw";
        System.arraycopy(settings, 0, command, 2, settings.length);
        ns.execOrThrow(command);
    }

    private static void ip(NetworkNamespace ns, List<String> lines) {
        var result = Commands.run(List.of(Tools.ip(), "-n", ns.name(), "-batch", "-"), String.join("\n", lines) + "\n",
                IP_TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandFailedException("cannot set up " + ns + ": " + result.summary(), result);
        }
    }

    /** Stops the servers and the client, deletes every namespace; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (client != null) {
            client.close();
        }
        backends.forEach(BackendHost::stopServers);
        NetworkNamespace.closeAll(namespaces);
    }
}
