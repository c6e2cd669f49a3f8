package io.nftlb.testkit;

import io.nftlb.testkit.internal.AddressText;
import io.nftlb.testkit.internal.Greeting;
import io.nftlb.testkit.internal.LineReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch of TCP connections or UDP requests from the {@link Client} to one address and
 * port, set up step by step and sent by {@link #run()}.
 *
 * <pre>{@code
 * Tally tally = topology.client().tcp("10.0.0.40", 80)
 *         .count(100).concurrency(4).fromAllSourceAddresses()
 *         .run();
 * }</pre>
 *
 * <p>Each TCP request opens a new connection, reads the backend's greeting line and closes
 * it; each UDP request sends one datagram from a new socket, on a source port this client
 * has not used before (so a new conntrack flow), and reads the answer. Sources are used
 * round-robin. Not thread-safe; {@link #run()} may be called again.
 */
public final class Requests {
    /** The most requests one run may make. */
    public static final int MAX_COUNT = 100_000;
    /** The most requests in flight at once. */
    public static final int MAX_CONCURRENCY = Client.MAX_THREADS;

    private static final int PORT_ATTEMPTS = 64;
    private static final byte[] UDP_REQUEST = "hello\n".getBytes(StandardCharsets.UTF_8);

    private final Client client;
    private final boolean udp;
    private final InetAddress target;
    private final int port;
    private int count = 1;
    private int concurrency = 1;
    private List<String> sources;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout = Duration.ofSeconds(2);
    private Duration maxDuration = Duration.ofSeconds(120);
    private Duration udpResend;
    private int sourcePort; // 0: the kernel's choice

    Requests(Client client, boolean udp, String target, int port) {
        this.client = client;
        this.udp = udp;
        this.target = AddressText.parse(target);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        this.port = port;
    }

    /** How many requests to make (default 1, at most {@value #MAX_COUNT}). */
    public Requests count(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ": " + count);
        }
        this.count = count;
        return this;
    }

    /** How many requests may be in flight at once (default 1: one after the other). */
    public Requests concurrency(int concurrency) {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be 1.." + MAX_CONCURRENCY + ": " + concurrency);
        }
        this.concurrency = concurrency;
        return this;
    }

    /**
     * Sends from these client addresses, round-robin (default: the client's primary address of
     * the target's family).
     */
    public Requests from(String... sourceAddresses) {
        if (sourceAddresses.length == 0) {
            throw new IllegalArgumentException("no source addresses");
        }
        for (String source : sourceAddresses) {
            if (AddressText.isIpv6(AddressText.parse(source)) != AddressText.isIpv6(target)) {
                throw new IllegalArgumentException("source " + source + " and target " + AddressText.of(target)
                        + " are of different address families");
            }
        }
        this.sources = List.copyOf(Arrays.asList(sourceAddresses));
        return this;
    }

    /**
     * TCP: connects from this source port instead of one the kernel picks. Each request reuses
     * it, so only one connection to a target can use it at a time, and a new one only once the
     * last is closed (the client closes first; its TIME_WAIT is reused): use count 1, or
     * concurrency 1.
     */
    public Requests fromPort(int sourcePort) {
        if (sourcePort < 1 || sourcePort > 65535) {
            throw new IllegalArgumentException("source port must be 1..65535: " + sourcePort);
        }
        this.sourcePort = sourcePort;
        return this;
    }

    /** Sends from every client address of the target's family, round-robin. */
    public Requests fromAllSourceAddresses() {
        this.sources = client.sourceAddresses(AddressText.isIpv6(target));
        return this;
    }

    /** How long a TCP handshake may take (default 2 s). */
    public Requests connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** How long to wait for the backend's line (default 2 s). */
    public Requests readTimeout(Duration timeout) {
        this.readTimeout = positive(timeout, "readTimeout");
        return this;
    }

    /**
     * How long the whole run may take (default 120 s); requests not started by then fail
     * with {@link FailureReason#DEADLINE}.
     */
    public Requests maxDuration(Duration duration) {
        this.maxDuration = positive(duration, "maxDuration");
        return this;
    }

    /**
     * For UDP: send the request again on the same socket (the same flow) each time this long has
     * passed without an answer, until the read timeout, as a client of a lossy path does. By
     * default a UDP request is sent once.
     */
    public Requests udpResendEvery(Duration interval) {
        this.udpResend = positive(interval, "udpResendEvery");
        return this;
    }

    /**
     * Makes these requests round after round on a thread of its own until the result is stopped:
     * traffic that runs through a transition (see {@link BackgroundRequests}).
     */
    public BackgroundRequests inBackground() {
        return new BackgroundRequests(this);
    }

    /** Makes the requests and returns what happened to each; never throws for a failed request. */
    public Tally run() {
        List<InetAddress> from = (sources != null ? sources : List.of(client.primaryAddress(AddressText.isIpv6(target))))
                .stream().map(AddressText::parse).toList();
        Tally.Outcome[] outcomes = new Tally.Outcome[count];
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + maxDuration.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(concurrency, count); w++) {
            workers.add(client.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    InetAddress source = from.get(i % from.size());
                    outcomes[i] = System.nanoTime() - deadline > 0
                            ? new Tally.Failed(i, AddressText.of(source), FailureReason.DEADLINE, "not attempted")
                            : attempt(i, source);
                }
                return null;
            }));
        }
        awaitAll(workers, deadline + connectTimeout.toNanos() + readTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5));
        List<Tally.Outcome> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Tally.Outcome outcome = outcomes[i];
            results.add(outcome != null ? outcome
                    : new Tally.Failed(i, AddressText.of(from.get(i % from.size())), FailureReason.DEADLINE,
                            "still running at the deadline"));
        }
        return new Tally(results);
    }

    /** Target, protocol and settings. */
    @Override
    public String toString() {
        return (udp ? "UDP" : "TCP") + " " + count + " x " + AddressText.of(target) + ":" + port + " (concurrency "
                + concurrency + ", from " + (sources == null ? "primary address" : sources) + ")";
    }

    private Tally.Outcome attempt(int index, InetAddress source) {
        try {
            return udp ? udpRequest(index, source) : tcpRequest(index, source);
        } catch (IOException | RuntimeException e) {
            return new Tally.Failed(index, AddressText.of(source), FailureReason.OTHER, e.toString());
        }
    }

    private Tally.Outcome tcpRequest(int index, InetAddress source) throws IOException {
        try (Socket socket = new Socket()) {
            // Many short connections from one address: reuse ports whose old connection is in TIME_WAIT.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(source, sourcePort));
            try {
                socket.connect(new InetSocketAddress(target, port), Math.toIntExact(connectTimeout.toMillis()));
            } catch (IOException e) {
                return failure(index, source, e, true);
            }
            try {
                socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
                String line = LineReader.readLine(new BufferedInputStream(socket.getInputStream()));
                if (line == null) {
                    return new Tally.Failed(index, AddressText.of(source), FailureReason.CLOSED,
                            "closed before the greeting");
                }
                return answered(index, source, line);
            } catch (IOException e) {
                return failure(index, source, e, false);
            }
        }
    }

    private Tally.Outcome udpRequest(int index, InetAddress source) throws IOException {
        try (DatagramSocket socket = newFlowSocket(source)) {
            // Connected, so an ICMP port unreachable is reported as such instead of a timeout.
            socket.connect(new InetSocketAddress(target, port));
            Duration wait = udpResend == null || udpResend.compareTo(readTimeout) > 0 ? readTimeout : udpResend;
            socket.setSoTimeout(Math.toIntExact(wait.toMillis()));
            byte[] buffer = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            long giveUp = System.nanoTime() + readTimeout.toNanos();
            while (true) {
                try {
                    socket.send(new DatagramPacket(UDP_REQUEST, UDP_REQUEST.length));
                    socket.receive(reply);
                    return answered(index, source, new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8));
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() - giveUp >= 0) {
                        return failure(index, source, e, false);
                    }
                } catch (IOException e) {
                    return failure(index, source, e, false);
                }
            }
        }
    }

    /**
     * A UDP socket on a source port this client has not sent from before, so its datagram
     * starts a new conntrack flow. Ports already used are held open while binding again, so
     * the kernel cannot return them; after {@value #PORT_ATTEMPTS} tries (the ephemeral range
     * is nearly exhausted) a used port is taken.
     */
    private DatagramSocket newFlowSocket(InetAddress source) throws IOException {
        List<DatagramSocket> used = new ArrayList<>();
        try {
            while (true) {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0));
                if (client.claimUdpSource((InetSocketAddress) socket.getLocalSocketAddress())
                        || used.size() == PORT_ATTEMPTS) {
                    return socket;
                }
                used.add(socket);
            }
        } finally {
            used.forEach(DatagramSocket::close);
        }
    }

    private static Tally.Outcome answered(int index, InetAddress source, String line) {
        Greeting greeting = Greeting.parse(line);
        return new Tally.Answered(index, AddressText.of(source), greeting.backend(), greeting.peerAddress(),
                greeting.peerPort());
    }

    private static Tally.Outcome failure(int index, InetAddress source, IOException e, boolean connecting) {
        return new Tally.Failed(index, AddressText.of(source), FailureReason.of(e, connecting), e.toString());
    }

    private static void awaitAll(List<Future<?>> workers, long deadline) {
        try {
            for (Future<?> worker : workers) {
                worker.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            workers.forEach(w -> w.cancel(true));
        } catch (InterruptedException e) {
            workers.forEach(w -> w.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending requests", e);
        } catch (ExecutionException e) {
            workers.forEach(w -> w.cancel(true));
            throw new IllegalStateException("a request worker failed: " + e.getCause(), e.getCause());
        }
    }

    private static Duration positive(Duration duration, String what) {
        Objects.requireNonNull(duration, what + " == null");
        if (duration.isNegative() || duration.isZero() || duration.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be positive (and below 24 days): " + duration);
        }
        return duration;
    }
}
