package io.nftlb.healthcheck.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.BackendState;
import org.junit.jupiter.api.Test;

class HysteresisTest {

    @Test
    void fallsAfterFallFailuresRisesAfterRiseSuccesses() {
        var h = new Hysteresis(2, 3, BackendState.UP);
        assertFalse(h.record(false));
        assertFalse(h.record(false));
        assertTrue(h.record(false));
        assertEquals(BackendState.DOWN, h.state());
        assertFalse(h.record(true));
        assertFalse(h.record(false), "a failure resets the rise streak");
        assertFalse(h.record(true));
        assertTrue(h.record(true));
        assertEquals(BackendState.UP, h.state());
    }

    @Test
    void riseAndFallOfOneFollowEveryProbe() {
        var h = new Hysteresis(1, 1, BackendState.DOWN);
        assertTrue(h.record(true));
        assertTrue(h.record(false));
        assertFalse(h.record(false));
    }
}
