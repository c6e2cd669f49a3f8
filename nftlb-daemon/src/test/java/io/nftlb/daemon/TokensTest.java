package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokensTest {

    @Test
    void anAddressIsNotFoundInsideALongerOne() {
        assertFalse(Tokens.contains("dnat to 192.168.0.100", "192.168.0.10"));
        assertFalse(Tokens.contains("1192.168.0.10 ", "192.168.0.10"));
        assertFalse(Tokens.contains("192.168.0.10.5", "192.168.0.10"));
        assertFalse(Tokens.contains("fd00::10a", "fd00::10"));
        assertFalse(Tokens.contains("ffd00::10", "fd00::10"));
        assertFalse(Tokens.contains("02:00:00:00:00:011", "02:00:00:00:00:01"));
    }

    @Test
    void aWholeAddressIsFound() {
        assertTrue(Tokens.contains("0x00000001 : 192.168.0.10, 0x2 : 192.168.0.100", "192.168.0.10"));
        assertTrue(Tokens.contains("{ 192.168.0.10 }", "192.168.0.10"));
        assertTrue(Tokens.contains("ip saddr 192.168.0.0/24 drop", "192.168.0.0"));
        assertTrue(Tokens.contains("dnat ip6 to [fd00::10]:80", "fd00::10"));
        assertTrue(Tokens.contains("ether daddr set 02:00:00:00:00:01 fwd", "02:00:00:00:00:01"));
        assertTrue(Tokens.contains("192.168.0.10", "192.168.0.10"));
    }
}
