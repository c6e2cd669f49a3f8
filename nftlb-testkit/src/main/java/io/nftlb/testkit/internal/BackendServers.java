package io.nftlb.testkit.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiny servers of one backend: a TCP and optionally a UDP server per port, bound to the
 * dual-stack wildcard address inside the backend's namespace.
 *
 * <p>TCP: on accept, send the {@link Greeting}; then answer every line with
 * {@code "<backend> <line>"} until the peer closes. UDP: answer every datagram with the
 * greeting. Only the listening sockets need a namespaced platform thread (a socket belongs
 * to the namespace it was created in); the loops and connections run on virtual threads.
 */
public final class BackendServers {
    private static final Logger log = LoggerFactory.getLogger(BackendServers.class);

    /** Connections beyond this are closed at once: a runaway test must not exhaust threads or fds. */
    private static final int MAX_CONNECTIONS = 4096;
    private static final int BACKLOG = 512;
    private static final long STOP_WAIT_MILLIS = 5000;

    private final String backend;
    private final ThreadFactory namespacedThreads;
    private final List<Integer> ports;
    private final boolean udp;
    private final List<Closeable> listeners = new ArrayList<>();
    private final List<Thread> loops = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private boolean running;
    /** How long a TCP connection waits before its greeting: makes this backend slow to answer. */
    private volatile long greetingDelayNanos;

    /**
     * Servers for {@code backend} on {@code ports}; {@code namespacedThreads} makes the
     * threads that bind the listening sockets.
     */
    public BackendServers(String backend, ThreadFactory namespacedThreads, List<Integer> ports, boolean udp) {
        this.backend = backend;
        this.namespacedThreads = namespacedThreads;
        this.ports = List.copyOf(ports);
        this.udp = udp;
    }

    /** Delays every TCP greeting (and so the first answer a client sees) by {@code delay}. */
    public void greetingDelay(java.time.Duration delay) {
        greetingDelayNanos = delay.toNanos();
    }

    /** Binds every port and starts serving; does nothing if already running. */
    public synchronized void start() {
        if (running) {
            return;
        }
        List<Closeable> bound;
        try {
            bound = NamespacedThreads.call(namespacedThreads, this::bindAll);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the servers of backend " + backend + ": " + e.getMessage(), e);
        }
        for (Closeable listener : bound) {
            listeners.add(listener);
            Thread loop = switch (listener) {
                case ServerSocket tcp -> Thread.ofVirtual().name(backend + "-tcp-" + tcp.getLocalPort())
                        .start(() -> acceptLoop(tcp));
                case DatagramSocket datagrams -> Thread.ofVirtual().name(backend + "-udp-" + datagrams.getLocalPort())
                        .start(() -> answerLoop(datagrams));
                default -> throw new IllegalStateException("unexpected listener " + listener);
            };
            loops.add(loop);
        }
        running = true;
    }

    /**
     * Closes the listening sockets (so the ports refuse new connections with a RST, or an
     * ICMP port unreachable for UDP) and every open connection, as a crashed server would.
     * Does nothing if not running.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        listeners.forEach(BackendServers::closeQuietly);
        listeners.clear();
        for (Thread loop : loops) {
            try {
                loop.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loops.clear();
        // After the accept loops ended, so no connection is added behind our back.
        connections.forEach(BackendServers::closeQuietly);
    }

    /** Whether the servers are listening. */
    public synchronized boolean running() {
        return running;
    }

    private List<Closeable> bindAll() throws IOException {
        List<Closeable> bound = new ArrayList<>();
        try {
            for (int port : ports) {
                ServerSocket tcp = new ServerSocket();
                bound.add(tcp);
                // A restarted server must not wait for TIME_WAIT connections of its predecessor.
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(port), BACKLOG);
                if (udp) {
                    DatagramSocket datagrams = new DatagramSocket(null);
                    bound.add(datagrams);
                    datagrams.bind(new InetSocketAddress(port));
                }
            }
        } catch (IOException | RuntimeException e) {
            bound.forEach(BackendServers::closeQuietly);
            throw e;
        }
        return bound;
    }

    private void acceptLoop(ServerSocket listener) {
        while (!listener.isClosed()) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.warn("backend {}: accept on port {} failed: {}", backend, listener.getLocalPort(), e.toString());
                }
                continue;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                log.warn("backend {}: more than {} connections, closing a new one", backend, MAX_CONNECTIONS);
                closeQuietly(connection);
                continue;
            }
            connections.add(connection);
            Thread.ofVirtual().name(backend + "-conn").start(() -> serve(connection));
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            OutputStream out = connection.getOutputStream();
            InputStream in = new BufferedInputStream(connection.getInputStream());
            Greeting greeting = Greeting.to(backend, connection.getInetAddress(), connection.getPort());
            long delay = greetingDelayNanos;
            if (delay > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(delay); // a virtual thread: parking is cheap
            }
            out.write(greeting.line().getBytes(StandardCharsets.UTF_8));
            String line;
            while ((line = LineReader.readLine(in)) != null) {
                out.write((backend + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The peer went away or the server was stopped: nothing to report.
            log.trace("backend {}: connection ended: {}", backend, e.toString());
        } finally {
            connections.remove(connection);
        }
    }

    private void answerLoop(DatagramSocket datagrams) {
        byte[] buffer = new byte[2048];
        while (!datagrams.isClosed()) {
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            try {
                datagrams.receive(request);
                byte[] reply = Greeting.to(backend, request.getAddress(), request.getPort()).line()
                        .getBytes(StandardCharsets.UTF_8);
                datagrams.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
            } catch (IOException e) {
                if (!datagrams.isClosed()) {
                    log.warn("backend {}: UDP on port {} failed: {}", backend, datagrams.getLocalPort(), e.toString());
                }
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("close failed: {}", e.toString());
        }
    }
}
