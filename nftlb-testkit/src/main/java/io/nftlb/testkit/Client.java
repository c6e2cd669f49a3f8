package io.nftlb.testkit;

import io.nftlb.testkit.internal.AddressText;
import io.nftlb.testkit.internal.TopologyPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client of a {@link Topology}: a namespace on the balancer's client side, with one or
 * more source addresses per family, that sends traffic and tallies who answered.
 *
 * <p>Every socket is created on a platform thread inside the client namespace (a small pool,
 * at most {@value #MAX_THREADS} threads, started on demand and ended when idle), so traffic
 * really enters the balancer through its client-facing interface.
 */
public final class Client {
    /** The most threads (and so requests in flight) the client uses. */
    public static final int MAX_THREADS = 64;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final NetworkNamespace namespace;
    private final List<String> addresses;
    private final List<String> addresses6;
    private final ThreadPoolExecutor threads;
    private final Set<LongConnection> longConnections = ConcurrentHashMap.newKeySet();
    private final Set<InetSocketAddress> usedUdpSources = ConcurrentHashMap.newKeySet();

    Client(NetworkNamespace namespace, List<String> addresses, List<String> addresses6) {
        this.namespace = namespace;
        this.addresses = List.copyOf(addresses);
        this.addresses6 = List.copyOf(addresses6);
        this.threads = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), namespace.threadFactory());
        threads.allowCoreThreadTimeOut(true);
    }

    /** The client's namespace. */
    public NetworkNamespace namespace() {
        return namespace;
    }

    /** The client's interface towards the balancer ({@code eth0}). */
    public String interfaceName() {
        return TopologyPlan.HOST_INTERFACE;
    }

    /** The client's primary IPv4 address, {@code 10.0.0.2}. */
    public String address() {
        return addresses.get(0);
    }

    /** The client's primary IPv6 address, {@code fd00::2}; throws if the topology has no IPv6. */
    public String address6() {
        return sourceAddresses6().get(0);
    }

    /** Every IPv4 source address of the client, primary first ({@code 10.0.0.2, 10.0.0.100, ...}). */
    public List<String> sourceAddresses() {
        return addresses;
    }

    /** Every IPv6 source address of the client, primary first ({@code fd00::2, fd00::100, ...}). */
    public List<String> sourceAddresses6() {
        if (addresses6.isEmpty()) {
            throw new IllegalStateException("the topology was built without IPv6");
        }
        return addresses6;
    }

    /** TCP connections to {@code target} (an IP literal) and {@code port}, to set up and run. */
    public Requests tcp(String target, int port) {
        return new Requests(this, false, target, port);
    }

    /** UDP requests to {@code target} (an IP literal) and {@code port}, to set up and run. */
    public Requests udp(String target, int port) {
        return new Requests(this, true, target, port);
    }

    /**
     * Opens {@code connections} TCP connections one after the other from the primary address,
     * each reading the backend's greeting and closing, with 2 s timeouts.
     */
    public Tally connectTcp(String target, int port, int connections) {
        return tcp(target, port).count(connections).run();
    }

    /**
     * Sends {@code requests} UDP datagrams one after the other from the primary address, each
     * from a new source port, and reads each answer, with a 2 s timeout.
     */
    public Tally sendUdp(String target, int port, int requests) {
        return udp(target, port).count(requests).run();
    }

    /**
     * Records that a UDP request left from {@code source}; false if an earlier one did. The
     * kernel hands a just-closed ephemeral port out again, and a datagram from it would join
     * the earlier request's conntrack flow (alive for 30 s) instead of starting a new one.
     */
    boolean claimUdpSource(InetSocketAddress source) {
        return usedUdpSources.add(source);
    }

    /** Opens a connection from the primary address that stays open until closed. */
    public LongConnection openLongConnection(String target, int port) {
        return openLongConnection(primaryAddress(AddressText.isIpv6(AddressText.parse(target))), target, port);
    }

    /**
     * Opens a connection from {@code source} that stays open until closed, and reads the
     * backend's greeting (2 s timeouts for connecting and for each answer).
     *
     * @throws UncheckedIOException if the connection cannot be made
     */
    public LongConnection openLongConnection(String source, String target, int port) {
        InetAddress from = AddressText.parse(source);
        InetAddress to = AddressText.parse(target);
        try {
            LongConnection connection = submit(() -> LongConnection.open(from, to, port, DEFAULT_TIMEOUT,
                    DEFAULT_TIMEOUT, longConnections::remove))
                    .get(DEFAULT_TIMEOUT.toSeconds() * 2 + 5, TimeUnit.SECONDS);
            longConnections.add(connection);
            return connection;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = "cannot open a connection from " + source + " to " + target + ":" + port + ": " + cause;
            throw new UncheckedIOException(message,
                    cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause));
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("opening a connection to " + target + ":" + port
                    + " timed out"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The namespace and addresses. */
    @Override
    public String toString() {
        return "client " + addresses + (addresses6.isEmpty() ? "" : " " + addresses6) + " in " + namespace;
    }

    String primaryAddress(boolean v6) {
        return v6 ? address6() : address();
    }

    List<String> sourceAddresses(boolean v6) {
        return v6 ? sourceAddresses6() : sourceAddresses();
    }

    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(task);
    }

    /** Closes open long connections and ends the client's threads. */
    void close() {
        List.copyOf(longConnections).forEach(LongConnection::close);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
