package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** One datagram out, a matching reply back. */
public final class UdpCheck implements HealthCheck {

    private final byte[] request;
    private final Pattern expected;

    public UdpCheck(byte[] request, Pattern expected) {
        this.request = request.clone();
        this.expected = java.util.Objects.requireNonNull(expected, "expected == null");
    }

    @Override
    public HealthResult probe(Target target) throws Exception {
        long deadline = System.nanoTime() + target.timeout().toNanos();
        try (DatagramChannel ch = target.network().udpChannel()) {
            ch.connect(target.address());
            var socket = ch.socket();
            socket.send(new DatagramPacket(request, request.length));
            byte[] buf = new byte[2048];
            String last = null;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    if (left <= 0) {
                        throw new SocketTimeoutException();
                    }
                    socket.setSoTimeout((int) left);
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return HealthResult.down(last == null ? "no reply" : "reply did not match: "
                            + (last.length() > 40 ? last.substring(0, 40) + "..." : last).strip());
                }
                last = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                if (expected.matcher(last).find()) {
                    return HealthResult.up("reply matched");
                }
            }
        } catch (IOException e) {
            return HealthResult.down(Failures.reason(e));
        }
    }

    @Override
    public String toString() {
        return "udp expect /" + expected + "/";
    }
}
