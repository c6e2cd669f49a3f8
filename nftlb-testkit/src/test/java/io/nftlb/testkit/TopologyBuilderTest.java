package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bad settings are refused when given, before anything touches the kernel. */
class TopologyBuilderTest {

    @Test
    void countsAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().backends(0));
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().backends(65));
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().clientAddresses(0));
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().clientAddresses(101));
    }

    @Test
    void portsMustBeValidAndDistinct() {
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().ports());
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().ports(0));
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().ports(65536));
        assertThrows(IllegalArgumentException.class, () -> Topology.builder().ports(80, 80));
    }

    @Test
    void returnPathIsRequired() {
        assertThrows(NullPointerException.class, () -> Topology.builder().returnPath(null));
    }
}
