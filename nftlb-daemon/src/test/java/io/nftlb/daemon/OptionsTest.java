package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreNftlbsButOnLoopback() {
        assertEquals(new Options(Optional.empty(), false, Optional.empty(), "127.0.0.1", 5555, Optional.empty(), 5, false),
                Options.parse());
    }

    @Test
    void readsEveryOption() {
        assertEquals(new Options(Optional.of(Path.of("lb.json")), true, Optional.of("k"), "0.0.0.0", 8080,
                        Optional.of("lb"), 7, true),
                Options.parse("-c", "lb.json", "-e", "-k", "k", "-H", "0.0.0.0", "-P", "8080", "-n", "lb", "-l", "7", "-h"));
    }

    @Test
    void aBadValueIsNamed() {
        assertEquals("option -P = \"http\" must be a number within 0..65535",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("-P", "http")).getMessage());
    }
}
