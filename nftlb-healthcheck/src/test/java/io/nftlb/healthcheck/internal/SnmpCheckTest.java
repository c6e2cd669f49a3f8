package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnmpCheckTest {

    @Test
    void busyShareIsBusyTicksOverAllTicks() {
        // user +30, nice +0, system +10, idle +50, wait +10 -> busy 40 of 100
        assertEquals(0.4, SnmpCheck.busyShare(new long[] {100, 0, 50, 1000, 5}, new long[] {130, 0, 60, 1050, 15}),
                1e-9);
    }

    @Test
    void countersWrapAt32Bits() {
        long near = 0xffff_fff0L;
        // user wraps: +0x20 ticks; idle +0x20 -> half busy
        assertEquals(0.5, SnmpCheck.busyShare(new long[] {near, 0, 0, 0, 0}, new long[] {0x10, 0, 0, 0x20, 0}), 1e-9);
    }

    @Test
    void noTicksIsUnknown() {
        assertTrue(Double.isNaN(SnmpCheck.busyShare(new long[5], new long[5])));
    }
}
