package io.nftlb.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations read as nft writes timeouts and prints an element's {@code expires} (the daemon shows these as nftlb does). */
class DurationTextTest {

    @Test
    void aDurationReadsAsNftPrintsIt() {
        assertEquals("59m58s120ms", NftText.duration(Duration.ofMinutes(59).plusSeconds(58).plusMillis(120)));
        assertEquals("1d2h3m4s5ms", NftText.duration(Duration.ofDays(1).plusHours(2).plusMinutes(3)
                .plusSeconds(4).plusMillis(5)));
        assertEquals("1h", NftText.duration(Duration.ofHours(1)));
        assertEquals("12ms", NftText.duration(Duration.ofMillis(12)));
        assertEquals("0s", NftText.duration(Duration.ZERO), "expired, not yet removed");
        assertEquals("0s", NftText.duration(Duration.ofMillis(-3)), "expired as it was read");
    }
}
