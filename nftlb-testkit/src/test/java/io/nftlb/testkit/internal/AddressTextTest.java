package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTextTest {

    @Test
    void ipv6IsCompressedTheWayIpAndNftPrintIt() {
        assertEquals("fd00::2", AddressText.canonical("fd00:0:0:0:0:0:0:2"));
        assertEquals("fd00:1::11", AddressText.canonical("FD00:1:0::0011"));
        assertEquals("::", AddressText.canonical("0:0:0:0:0:0:0:0"));
        assertEquals("::1", AddressText.canonical("::1"));
        assertEquals("fd00::", AddressText.canonical("fd00::"));
        // The longest run of zeros wins, the first of equal runs; a single zero group stays.
        assertEquals("1:0:2::3", AddressText.canonical("1:0:2:0:0:0:0:3"));
        assertEquals("1:0:0:2::3", AddressText.canonical("1:0:0:2:0:0:0:3"));
        assertEquals("1::2:0:0:3:0", AddressText.canonical("1:0:0:2:0:0:3:0"));
    }

    @Test
    void anIpv4MappedPeerIsPlainIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 2};
        InetAddress peer = java.net.Inet6Address.getByAddress(null, mapped, -1);

        assertEquals("10.0.0.2", AddressText.of(peer));
        assertFalse(AddressText.isIpv6(peer));
    }

    @Test
    void ipv4StaysDotted() {
        assertEquals("10.1.0.10", AddressText.canonical("10.1.0.10"));
        assertFalse(AddressText.isIpv6(AddressText.parse("10.1.0.10")));
        assertTrue(AddressText.isIpv6(AddressText.parse("fd00::2")));
    }

    @Test
    void hostNamesAreRefusedSoNothingIsLookedUp() {
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("10.0.0"));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse(""));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse(null));
    }
}
