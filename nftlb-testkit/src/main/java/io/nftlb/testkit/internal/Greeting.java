package io.nftlb.testkit.internal;

import java.net.InetAddress;

/**
 * The first line a backend server sends on a TCP connection, and its answer to a UDP
 * datagram: {@code "<backendName> <peerAddress> <peerPort>"}. The peer is what the backend
 * saw, so a test learns both who answered and whether the client's address survived NAT.
 *
 * @param backend the name of the backend that answered
 * @param peerAddress the client address as the backend saw it
 * @param peerPort the client port as the backend saw it
 */
public record Greeting(String backend, String peerAddress, int peerPort) {

    /** What a backend named {@code backend} says to a peer. */
    public static Greeting to(String backend, InetAddress peer, int peerPort) {
        return new Greeting(backend, AddressText.of(peer), peerPort);
    }

    /**
     * Reads a greeting line.
     *
     * @throws IllegalArgumentException if the line does not have the three fields
     */
    public static Greeting parse(String line) {
        String[] fields = line.strip().split(" ");
        if (fields.length != 3) {
            throw new IllegalArgumentException("not a backend greeting: \"" + line + "\"");
        }
        try {
            return new Greeting(fields[0], fields[1], Integer.parseInt(fields[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a backend greeting: \"" + line + "\"", e);
        }
    }

    /** The line as sent, with its terminating newline. */
    public String line() {
        return backend + " " + peerAddress + " " + peerPort + "\n";
    }
}
