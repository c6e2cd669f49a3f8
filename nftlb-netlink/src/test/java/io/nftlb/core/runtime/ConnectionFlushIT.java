package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.netlink.Conntrack;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.LongConnection;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A long TCP connection to b0 through a dNAT farm, while the farm changes around it. It survives
 * every change that leaves b0 in service (and draining); once b0 is taken out of service, its
 * next packets fail if the load balancer flushes connections on removal (they are scheduled
 * again, and the backend they land on resets them), and still reach b0 if it does not. A UDP
 * flow likewise fails over to another backend at once only with flushing.
 */
@RequiresNetns
class ConnectionFlushIT {

    static final String VIP = "10.0.0.40";

    /** Only b0 takes new connections at first, so the long connection is b0's. */
    static Farm web() {
        return Farm.dnat(VIP).port(80).named("web").weighted(Backend.of("b0", "10.1.0.10").weight(1),
                Backend.of("b1", "10.1.0.11").weight(0), Backend.of("b2", "10.1.0.12").weight(0));
    }

    @ParameterizedTest(name = "b0 {0}")
    @ValueSource(strings = {"removed", "DOWN", "OFF"})
    void withFlushingTheConnectionFailsOnceItsBackendLeavesAndNotBefore(String how) throws Exception {
        try (Topology t = topology(4);
             LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                     .farms(List.of(web())).flushConnectionsOnRemoval(true).open();
             Conntrack conntrack = Conntrack.openInNamespace(t.balancer().namespace().name());
             LongConnection live = openToB0(t)) {
            long b0 = lb.marks("web").get("b0");
            lb.setWeight("web", "b1", 5).join();
            assertEquals("b0 reweighted", live.exchange("reweighted"));
            lb.apply(lb.farm("web").orElseThrow().backend(Backend.of("b3", "10.1.0.13").weight(2))).join();
            assertEquals("b0 added", live.exchange("added"));
            lb.apply(lb.farm("web").orElseThrow().withoutBackend("b2")).join();
            assertEquals("b0 removed-other", live.exchange("removed-other"));
            lb.setState("web", "b1", BackendState.DOWN).join();
            assertEquals("b0 other-down", live.exchange("other-down"));
            lb.setState("web", "b0", BackendState.DRAIN).join();
            assertEquals("b0 draining", live.exchange("draining"));
            assertEquals(1L, conntrack.countByMark().getOrDefault(b0, 0L), "b0's entry: " + conntrack.countByMark());

            switch (how) {
                case "removed" -> lb.apply(lb.farm("web").orElseThrow().withoutBackend("b0")).join();
                default -> lb.setState("web", "b0", BackendState.valueOf(how)).join();
            }
            assertEquals(0L, conntrack.countByMark().getOrDefault(b0, 0L), "flushed: " + conntrack.countByMark());
            UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> live.exchange("gone"));
            System.out.println("[ConnectionFlushIT] b0 " + how + ", flushed: " + failure.getMessage());
        }
    }

    @Test
    void withoutFlushingTheConnectionKeepsItsRemovedBackend() throws Exception {
        try (Topology t = topology(3);
             LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                     .farms(List.of(web().backend("b1", b -> b.weight(1)))).open();
             LongConnection live = openToB0(t)) {
            lb.apply(lb.farm("web").orElseThrow().withoutBackend("b0")).join();
            assertEquals("b0 still", live.exchange("still"));
            lb.setState("web", "b1", BackendState.DOWN).join();
            assertEquals("b0 still", live.exchange("still"));
        }
    }

    /**
     * A UDP flow (one client socket, so one source port) keeps its backend while conntrack
     * remembers it. Once its backend is removed, it moves to another backend at once with
     * flushing; without, it keeps going to the removed backend until its entry times out.
     */
    @ParameterizedTest(name = "flush {0}")
    @ValueSource(booleans = {true, false})
    void aUdpFlowFailsOverAtOnceOnlyWithFlushing(boolean flush) throws Exception {
        try (Topology t = topology(2, true);
             LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(t.balancer().namespace().name()))
                     .farms(List.of(Farm.dnat(VIP).port(80).udp().named("dns").weighted(
                             Backend.of("b0", "10.1.0.10").weight(1), Backend.of("b1", "10.1.0.11").weight(0))))
                     .flushConnectionsOnRemoval(flush).open();
             DatagramSocket flow = t.client().namespace().runInside(() -> new DatagramSocket(0))) {
            flow.connect(new InetSocketAddress(VIP, 80));
            flow.setSoTimeout(2000);
            assertEquals("b0", ask(flow));
            lb.setWeight("dns", "b1", 1).join();
            assertEquals("b0", ask(flow), "the flow keeps its backend when weights change");
            lb.apply(lb.farm("dns").orElseThrow().withoutBackend("b0")).join();
            assertEquals(flush ? "b1" : "b0", ask(flow), flush ? "flushed: the flow fails over"
                    : "not flushed: conntrack still sends the flow to the removed backend");
        }
    }

    /** Sends one datagram on the flow; the backend that answered. */
    private static String ask(DatagramSocket flow) throws Exception {
        byte[] request = "hello\n".getBytes(StandardCharsets.UTF_8);
        flow.send(new DatagramPacket(request, request.length));
        byte[] buffer = new byte[512];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        flow.receive(reply);
        return new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8).split(" ")[0];
    }

    private static Topology topology(int backends) {
        return topology(backends, false);
    }

    private static Topology topology(int backends, boolean udp) {
        Topology t = Topology.builder().backends(backends).udp(udp).returnPath(ReturnPath.VIA_BALANCER).start();
        t.balancer().addAddress(VIP);
        return t;
    }

    /** A long connection that b0 took (with b0 the only backend of weight > 0, or the first of the draw). */
    private static LongConnection openToB0(Topology t) {
        for (int i = 0; i < 50; i++) {
            LongConnection c = t.client().openLongConnection(VIP, 80);
            if (c.backend().equals("b0")) {
                return c;
            }
            c.close();
        }
        throw new AssertionError("no connection reached b0 in 50 tries");
    }
}
