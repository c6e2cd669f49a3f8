package io.nftlb.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FarmTest {

    private static String message(Executable e) {
        return assertThrows(InvalidFarmException.class, e).getMessage();
    }

    @Test
    void everyStepReturnsANewValueAndLeavesTheOldOneAlone() {
        Farm a = Farm.dnat("10.0.0.40").port(80);
        Farm b = a.named("web");
        assertNotSame(a, b);
        assertEquals("10.0.0.40", a.name());
        assertEquals("web", b.name());
        assertEquals(List.of(PortRange.of(80)), b.ports());
    }

    @Test
    void theWalkingSkeletonFarmReadsLikeThePaper() {
        Farm f = Farm.dnat("10.0.0.40").port(80).roundRobin(Backend.at("10.1.0.10"), Backend.at("10.1.0.11"));
        assertEquals(new Scheduler.RoundRobin(), f.scheduler());
        assertEquals(List.of("10.1.0.10", "10.1.0.11"), f.backends().stream().map(Backend::name).toList());
        assertEquals(IpFamily.IPV4, f.family());
    }

    @Test
    void aHostFarmHasNothingThatChoosesABackend() {
        Farm host = Farm.host("10.0.0.40").port(80).named("svc");
        assertEquals(new Forwarding.Host(), host.forwarding());
        assertEquals("farm \"svc\": has 1 backends, but host forwarding delivers to this host",
                message(() -> host.backends(Backend.at("10.1.0.10"))));
        assertEquals("farm \"svc\": persistence and static sessions choose backends, which host forwarding does"
                + " not have", message(() -> host.persistent(Duration.ofMinutes(1))));
        assertEquals("farm \"svc\": helpers, packet marks, flow offload and intra-connect are for forwarded"
                + " connections, not host forwarding", message(() -> host.packetMark(0x10)));
    }

    @Test
    void aClientPortSessionNamesAKnownBackendAndAValidPort() {
        Farm farm = Farm.snat("10.0.0.40").port(80).named("web").backends(Backend.of("b0", "10.1.0.10"));
        Farm pinned = farm.staticSession("192.0.2.7", 40000, "b0");
        assertEquals(java.util.Map.of(new ClientPort(com.google.common.net.InetAddresses.forString("192.0.2.7"), 40000), "b0"),
                pinned.portSessions());
        assertEquals(java.util.Map.of(), pinned.withoutBackend("b0").portSessions(), "the backend's sessions go with it");
        assertEquals("farm \"web\": static session for 192.0.2.7 . 40000 names unknown backend \"b9\"",
                message(() -> farm.staticSession("192.0.2.7", 40000, "b9")));
        assertEquals("farm \"web\": static session: client port 0 must be within 1..65535",
                message(() -> farm.staticSession("192.0.2.7", 0, "b0")));
        assertEquals("farm \"web\": static session client 2001:db8::7 . 40000 is not of the farm's address"
                + " families [IPV4]", message(() -> farm.staticSession("2001:db8::7", 40000, "b0")));
    }

    @Test
    void badAddressesNameTheField() {
        assertEquals("farm: virtual address \"10.0.0.300\" is not a valid address",
                message(() -> Farm.dnat("10.0.0.300")));
        assertEquals("farm: virtual address \"web.example\" is not an IPv4 or IPv6 address",
                message(() -> Farm.dnat("web.example")));
        assertEquals("farm: virtual address 0.0.0.0 must not be the wildcard address",
                message(() -> Farm.dnat("0.0.0.0")));
    }

    @Test
    void portsMustBeValidAndNotOverlap() {
        assertEquals("farm \"10.0.0.40\": port 0 must be within 1..65535",
                message(() -> Farm.dnat("10.0.0.40").port(0)));
        assertEquals("farm \"10.0.0.40\": port 65536 must be within 1..65535",
                message(() -> Farm.dnat("10.0.0.40").ports(80, 65536)));
        assertEquals("farm \"10.0.0.40\": port range 90-80 is reversed",
                message(() -> Farm.dnat("10.0.0.40").portRange(90, 80)));
        assertEquals("farm \"10.0.0.40\": ports 80 and 80-90 overlap",
                message(() -> Farm.dnat("10.0.0.40").port(80).portRange(80, 90)));
    }

    @Test
    void backendsAreCheckedOneByOneAndTogether() {
        assertEquals("backend \"b2\": weight -1 must be >= 0",
                message(() -> Backend.of("b2", "10.1.0.11").weight(-1)));
        assertEquals("farm \"web\": backend \"b2\": weight -1 must be >= 0",
                message(() -> Farm.dnat("10.0.0.40").named("web").weighted(Backend.of("b2", "10.1.0.11"))
                        .backend("b2", b -> b.weight(-1))));
        assertEquals("farm \"web\": backend name \"b1\" is used twice",
                message(() -> Farm.dnat("10.0.0.40").named("web")
                        .weighted(Backend.of("b1", "10.1.0.10"), Backend.of("b1", "10.1.0.11"))));
        assertEquals("farm \"web\": backend \"b6\": address fd00:1::a is IPV6 but the farm's virtual"
                        + " addresses are [IPV4]",
                message(() -> Farm.dnat("10.0.0.40").named("web").weighted(Backend.of("b6", "fd00:1::a"))));
        assertEquals("backend \"\": name must not be empty", message(() -> Backend.of("", "10.1.0.10")));
    }

    @Test
    void contradictoryOptionsAreRejected() {
        assertEquals("farm \"10.0.0.40\": source address 10.1.0.1 needs snat forwarding, not dnat",
                message(() -> Farm.dnat("10.0.0.40").sourceAddress("10.1.0.1")));
        assertEquals("farm \"10.0.0.40\": snat source address fd00::1 does not cover the farm's address"
                        + " families [IPV4] (give backends their own)",
                message(() -> Farm.snat("10.0.0.40").sourceAddress("fd00::1")));
        assertEquals("farm \"s\": static session for 10.0.0.5 names backend \"b6\" of IPV6; stateless dnat needs"
                        + " one of the client's family",
                message(() -> Farm.statelessDnat("10.0.0.40", "fd00::40").named("s")
                        .weighted(Backend.of("b6", "fd00:1::10")).staticSession("10.0.0.5", "b6")));
        assertEquals("farm \"10.0.0.40\": static session for 10.0.0.5 names unknown backend \"nope\"",
                message(() -> Farm.dnat("10.0.0.40").staticSession("10.0.0.5", "nope")));
        assertTrue(message(() -> Farm.dsr("10.0.0.40").weighted(Backend.at("10.1.0.10").port(8080)))
                .contains("port 8080 cannot be mapped in dsr mode"));
    }

    /** DSR forwards by the backend's MAC: a backend of the other address family serves; sNAT refuses it. */
    @Test
    void aDsrBackendMayBeOfTheOtherAddressFamily() {
        Farm dsr = Farm.dsr("10.0.0.40").weighted(Backend.of("b6", "fd00:1::10"));
        assertEquals(IpFamily.IPV4, dsr.family());
        assertTrue(message(() -> Farm.snat("10.0.0.40").weighted(Backend.of("b6", "fd00:1::10")))
                .contains("address fd00:1::10 is IPV6 but the farm's virtual addresses are [IPV4]"));
    }

    @Test
    void removingABackendDropsItsStaticSessions() {
        Farm f = Farm.dnat("10.0.0.40").weighted(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"))
                .staticSession("10.0.0.5", "b1");
        Farm g = f.withoutBackend("b1");
        assertEquals(List.of("b2"), g.backends().stream().map(Backend::name).toList());
        assertTrue(g.staticSessions().isEmpty());
    }
}
