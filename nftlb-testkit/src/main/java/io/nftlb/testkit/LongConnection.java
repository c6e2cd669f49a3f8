package io.nftlb.testkit;

import io.nftlb.testkit.internal.AddressText;
import io.nftlb.testkit.internal.Greeting;
import io.nftlb.testkit.internal.LineReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A TCP connection from the client to a backend that stays open, to check that an
 * established connection survives changes on the balancer (it keeps its backend).
 *
 * <p>Opened by {@link Client#openLongConnection}; the socket was created inside the client
 * namespace, and may be used from any thread (one at a time).
 */
public final class LongConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Greeting greeting;
    private final Consumer<LongConnection> onClose;

    private LongConnection(Socket socket, Greeting greeting, InputStream in, Consumer<LongConnection> onClose)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.greeting = greeting;
        this.onClose = onClose;
    }

    /** Connects and reads the greeting; must run on a thread inside the client namespace. */
    static LongConnection open(InetAddress source, InetAddress target, int port, Duration connectTimeout,
            Duration readTimeout, Consumer<LongConnection> onClose) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(target, port), Math.toIntExact(connectTimeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = LineReader.readLine(in);
            if (line == null) {
                throw new IOException("closed by the server before its greeting");
            }
            return new LongConnection(socket, Greeting.parse(line), in, onClose);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The name of the backend at the other end. */
    public String backend() {
        return greeting.backend();
    }

    /** The client address as the backend saw it. */
    public String peerAddress() {
        return greeting.peerAddress();
    }

    /** The client port as the backend saw it. */
    public int peerPort() {
        return greeting.peerPort();
    }

    /** The client's own address of this connection. */
    public String localAddress() {
        return AddressText.of(socket.getLocalAddress());
    }

    /** The client's own port of this connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /**
     * Sends {@code line} and returns the backend's answer, {@code "<backend> <line>"}.
     *
     * @throws IllegalArgumentException if {@code line} contains a line break
     * @throws UncheckedIOException if the connection broke, or no answer came within the
     *     read timeout
     */
    public String exchange(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("line must not contain line breaks: " + line);
        }
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = LineReader.readLine(in);
            if (answer == null) {
                throw new IOException("closed by the server");
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException("connection to backend " + backend() + " from " + localAddress() + ":"
                    + localPort() + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        return !socket.isClosed();
    }

    /** Closes the connection (a normal FIN); calling it again does nothing. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is best effort: the socket is released either way.
        } finally {
            onClose.accept(this);
        }
    }

    /** The backend, and both ends as the client and the backend see them. */
    @Override
    public String toString() {
        return "LongConnection[" + localAddress() + ":" + localPort() + " -> " + socket.getInetAddress() + ":"
                + socket.getPort() + ", backend " + backend() + " saw " + peerAddress() + ":" + peerPort() + "]";
    }
}
