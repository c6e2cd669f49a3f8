package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A dynamic session's expiration is written as nft prints an element's {@code expires}, which nftlb shows. */
class DynamicSessionsTest {

    @Test
    void theTimeLeftReadsAsNftPrintsIt() {
        assertEquals("59m58s120ms", DynamicSessions.nftDuration(Duration.ofMinutes(59).plusSeconds(58).plusMillis(120)));
        assertEquals("1d2h3m4s5ms", DynamicSessions.nftDuration(Duration.ofDays(1).plusHours(2).plusMinutes(3)
                .plusSeconds(4).plusMillis(5)));
        assertEquals("1h", DynamicSessions.nftDuration(Duration.ofHours(1)));
        assertEquals("12ms", DynamicSessions.nftDuration(Duration.ofMillis(12)));
        assertEquals("0s", DynamicSessions.nftDuration(Duration.ZERO), "expired, not yet removed");
    }
}
