package io.nftlb.healthcheck;

import io.nftlb.healthcheck.internal.NamespaceNetwork;
import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

/**
 * Where probes open their sockets and start their processes.
 *
 * <p>A socket belongs to the network namespace it was created in, whatever thread uses it
 * afterwards, and a child process starts in the namespace of the thread that started it. So a
 * check creates its sockets (and processes) through {@link #open(Callable)} and does its I/O
 * anywhere, typically on a virtual thread. {@link #current()} opens them where the caller
 * is; {@link #namespace(String, ThreadFactory)} opens them on a platform thread that lives
 * inside another namespace, and never switches the namespace of any other thread.
 */
public interface ProbeNetwork {

    /**
     * Runs {@code opener} where sockets should be created and returns what it returned. The
     * opener must only create (sockets, processes) and return: no blocking I/O.
     */
    <T> T open(Callable<T> opener) throws Exception;

    /** A new blocking TCP channel created in this network. */
    default SocketChannel tcpChannel() throws Exception {
        return open(SocketChannel::open);
    }

    /** A new blocking UDP channel created in this network. */
    default DatagramChannel udpChannel() throws Exception {
        return open(DatagramChannel::open);
    }

    /** Starts a process in this network (its output is whatever {@code builder} says). */
    default Process start(ProcessBuilder builder) throws Exception {
        return open(() -> {
            try {
                return builder.start();
            } catch (IOException e) {
                throw new IOException("cannot start " + builder.command() + ": " + e.getMessage(), e);
            }
        });
    }

    /** The namespace of the thread that opens: no switching at all. */
    static ProbeNetwork current() {
        return NamespaceNetwork.CURRENT;
    }

    /**
     * Another network namespace, entered by the platform threads {@code platformThreadsInside}
     * makes (for example the test kit's {@code NetworkNamespace.threadFactory()}). The threads
     * are only used to create sockets and start processes; an idle one ends after a minute.
     *
     * @param name for logs
     */
    static ProbeNetwork namespace(String name, ThreadFactory platformThreadsInside) {
        return new NamespaceNetwork(name, platformThreadsInside);
    }
}
