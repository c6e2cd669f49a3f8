package io.nftlb.testkit;

import io.nftlb.testkit.internal.Commands;
import io.nftlb.testkit.internal.TestScope;
import io.nftlb.testkit.internal.Tools;
import io.nftlb.testkit.internal.TopologyPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client, a balancer and N backends, each in its own fresh network namespace, wired so
 * that a ruleset installed on the balancer can be tested with real connections.
 *
 * <pre>
 *  client               balancer (ip forwarding on)                    backend I
 *  eth0 ------------- veth-client    br-backends --- veth-bI -------- eth0
 *  10.0.0.2/24          10.0.0.1/24    10.1.0.1/24                        10.1.0.(10+I)/24
 *  fd00::2/64           fd00::1/64     fd00:1::1/64                       fd00:1::(10+I)/64
 *  extra sources 10.0.0.100.., fd00::100..
 *  default routes via the balancer     default routes via 10.1.0.1 only with ReturnPath.VIA_BALANCER
 * </pre>
 *
 * <p>Each backend serves, on every port, a TCP server that sends
 * {@code "<backend> <peerAddress> <peerPort>\n"} on accept (the peer as the backend saw it)
 * and then answers each line with {@code "<backend> <line>\n"}, and optionally a UDP server
 * that answers each datagram with the same greeting. The {@link Client} sends traffic and
 * returns a {@link Tally} of who answered.
 *
 * <pre>{@code
 * try (Topology topology = Topology.builder().backends(2).start()) {
 *     topology.balancer().addAddress("10.0.0.40");
 *     topology.balancer().namespace().nft("""
 *         table ip lb {
 *           chain pre { type nat hook prerouting priority dstnat;
 *             ip daddr 10.0.0.40 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 10.1.0.10, 1 : 10.1.0.11 }
 *           }
 *         }
 *         """);
 *     Tally tally = topology.client().connectTcp("10.0.0.40", 80, 10);
 *     assertEquals(List.of("b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1"), tally.sequence(), tally.toString());
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the servers and deletes every namespace; a topology that fails
 * half-way through {@link Builder#start()} cleans up what it made before throwing, and one
 * created during a {@link RequiresNetns} test is closed when the test ends.
 */
public final class Topology implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Topology.class);
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);

    private final TopologyPlan plan;
    private final ReturnPath returnPath;
    private final List<Integer> ports;
    private final boolean udp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<BackendHost> backends = new ArrayList<>();
    private List<NetworkNamespace> namespaces = List.of();
    private Balancer balancer;
    private Client client;

    private Topology(Builder builder) {
        this.plan = new TopologyPlan(builder.backends, builder.clientAddresses,
                builder.returnPath == ReturnPath.VIA_BALANCER, builder.ipv6, builder.returnPath == ReturnPath.DIRECT);
        this.returnPath = builder.returnPath;
        this.ports = builder.ports;
        this.udp = builder.udp;
    }

    /** A builder with the defaults: 2 backends, return path via the balancer, 1 client address, TCP port 80, IPv6 on, no UDP. */
    public static Builder builder() {
        return new Builder();
    }

    /** The client. */
    public Client client() {
        return client;
    }

    /** The balancer. */
    public Balancer balancer() {
        return balancer;
    }

    /** The backends, by index. */
    public List<BackendHost> backends() {
        return List.copyOf(backends);
    }

    /** Backend host number {@code index}, from 0. */
    public BackendHost backend(int index) {
        return backends.get(index);
    }

    /** How replies find their way back. */
    public ReturnPath returnPath() {
        return returnPath;
    }

    /** The ports the backends serve. */
    public List<Integer> ports() {
        return ports;
    }

    /** Whether the backends serve UDP too. */
    public boolean udp() {
        return udp;
    }

    /** Whether IPv6 addresses and routes are configured. */
    public boolean ipv6() {
        return plan.ipv6();
    }

    /**
     * Stops the servers and the client's threads, and deletes every namespace; calling it
     * again does nothing.
     *
     * @throws IllegalStateException if some namespace could not be deleted
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (client != null) {
            client.close();
        }
        if (balancer != null) {
            balancer.closeClient();
        }
        for (BackendHost backend : backends) {
            backend.closeClient();
            try {
                backend.stopServers();
            } catch (RuntimeException e) {
                log.warn("stopping the servers of {} failed", backend, e);
            }
        }
        NetworkNamespace.closeAll(namespaces);
    }

    /** A one-line description of the namespaces. */
    @Override
    public String toString() {
        return "Topology[" + returnPath + ", " + client + ", " + balancer + ", backends " + backends + "]";
    }

    private void wire(Consumer<String> steps) throws Exception {
        steps.accept("namespaces");
        namespaces = NetworkNamespace.createAll(2 + plan.backends());
        NetworkNamespace clientNamespace = namespaces.get(0);
        NetworkNamespace balancerNamespace = namespaces.get(1);
        List<NetworkNamespace> backendNamespaces = namespaces.subList(2, namespaces.size());

        steps.accept("sysctls");
        for (NetworkNamespace namespace : namespaces) {
            boolean isBalancer = namespace == balancerNamespace;
            namespace.runInside(() -> writeSysctls(TopologyPlan.sysctls(isBalancer)));
        }

        steps.accept("links");
        ipBatch("balancer", balancerNamespace, plan.balancerScript(clientNamespace.name(),
                backendNamespaces.stream().map(NetworkNamespace::name).toList()));
        List<String> clientLines = new ArrayList<>(plan.clientScript());
        clientLines.addAll(plan.clientDirectScript(backendNamespaces.stream().map(NetworkNamespace::name).toList()));
        ipBatch("client", clientNamespace, clientLines);
        for (int i = 0; i < plan.backends(); i++) {
            ipBatch("backend " + TopologyPlan.backendName(i), backendNamespaces.get(i), plan.backendScript(i));
        }
        balancer = new Balancer(balancerNamespace, plan.ipv6());
        client = new Client(clientNamespace, plan.clientAddresses(false),
                plan.ipv6() ? plan.clientAddresses(true) : List.of());

        steps.accept("servers");
        for (int i = 0; i < plan.backends(); i++) {
            BackendHost backend = new BackendHost(i, plan.backendAddress(i, false),
                    plan.ipv6() ? plan.backendAddress(i, true) : null, backendNamespaces.get(i), ports, udp);
            backends.add(backend);
            backend.startServers();
        }
        steps.accept("started");
    }

    /** Runs on a thread inside the namespace: /proc/sys/net shows the writer's namespace. */
    private static Void writeSysctls(Map<String, String> settings) throws IOException {
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            Path path = Path.of("/proc/sys", setting.getKey());
            if (TopologyPlan.whereAvailable(setting.getKey()) && !Files.exists(path)) {
                continue;
            }
            Files.writeString(path, setting.getValue());
        }
        return null;
    }

    private static void ipBatch(String role, NetworkNamespace namespace, List<String> lines) {
        var result = Commands.run(List.of(Tools.ip(), "-n", namespace.name(), "-batch", "-"),
                String.join("\n", lines) + "\n", IP_TIMEOUT);
        if (!result.succeeded()) {
            throw new CommandFailedException("cannot set up the " + role + " in " + namespace + ": " + result.summary(),
                    result);
        }
    }

    /** Sets up a {@link Topology}; {@link #start()} builds it. */
    public static final class Builder {
        private static final int MAX_PORTS = 16;

        private int backends = 2;
        private ReturnPath returnPath = ReturnPath.VIA_BALANCER;
        private int clientAddresses = 1;
        private List<Integer> ports = List.of(80);
        private boolean udp;
        private boolean ipv6 = true;
        private Consumer<String> stepListener = step -> { };

        private Builder() {}

        /** How many backends (1..64, default 2). */
        public Builder backends(int count) {
            if (count < 1 || count > TopologyPlan.MAX_BACKENDS) {
                throw new IllegalArgumentException("backends must be 1.." + TopologyPlan.MAX_BACKENDS + ": " + count);
            }
            this.backends = count;
            return this;
        }

        /** How replies find their way back (default {@link ReturnPath#VIA_BALANCER}). */
        public Builder returnPath(ReturnPath returnPath) {
            this.returnPath = Objects.requireNonNull(returnPath, "returnPath == null");
            return this;
        }

        /**
         * How many source addresses the client has per family (1..100, default 1): 10.0.0.2
         * and fd00::2, then 10.0.0.100 and fd00::100, 10.0.0.101 and fd00::101, ...
         */
        public Builder clientAddresses(int count) {
            if (count < 1 || count > TopologyPlan.MAX_CLIENT_ADDRESSES) {
                throw new IllegalArgumentException("clientAddresses must be 1.." + TopologyPlan.MAX_CLIENT_ADDRESSES
                        + ": " + count);
            }
            this.clientAddresses = count;
            return this;
        }

        /** The ports every backend serves (default 80; at most 16 distinct ports). */
        public Builder ports(int... ports) {
            if (ports.length == 0 || ports.length > MAX_PORTS) {
                throw new IllegalArgumentException("between 1 and " + MAX_PORTS + " ports: " + Arrays.toString(ports));
            }
            LinkedHashSet<Integer> distinct = new LinkedHashSet<>();
            for (int port : ports) {
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port must be 1..65535: " + port);
                }
                if (!distinct.add(port)) {
                    throw new IllegalArgumentException("port " + port + " given twice");
                }
            }
            this.ports = List.copyOf(distinct);
            return this;
        }

        /** Whether backends also serve UDP on their ports (default false). */
        public Builder udp(boolean udp) {
            this.udp = udp;
            return this;
        }

        /** Whether IPv6 addresses and routes are set up too (default true). */
        public Builder ipv6(boolean ipv6) {
            this.ipv6 = ipv6;
            return this;
        }

        /** Test seam: called with the name of each setup step before it runs. */
        Builder onStep(Consumer<String> listener) {
            this.stepListener = Objects.requireNonNull(listener, "listener == null");
            return this;
        }

        /**
         * Creates the namespaces, links, addresses and routes, and starts the servers.
         *
         * @throws CommandFailedException if a setup command fails; whatever was already
         *     created is removed first
         */
        public Topology start() {
            Topology topology = new Topology(this);
            try {
                topology.wire(stepListener);
            } catch (Exception | Error e) {
                try {
                    topology.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("cannot start the topology: " + e, e);
            }
            TestScope.track(topology);
            return topology;
        }
    }
}
