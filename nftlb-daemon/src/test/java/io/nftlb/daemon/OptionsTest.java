package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreNftlbsButOnLoopbackWithLimitsAndADriftCheck() {
        assertEquals(new Options(Optional.empty(), false, Optional.empty(), Optional.empty(), "127.0.0.1", 5555,
                        Optional.empty(), 5, false, ApiLimits.DEFAULTS, Duration.ofSeconds(5), 2, false, false),
                Options.parse());
    }

    @Test
    void readsEveryOption() {
        assertEquals(new Options(Optional.of(Path.of("lb.json")), true, Optional.of("k"), Optional.empty(), "0.0.0.0",
                        8080, Optional.of("lb"), 7, true, new ApiLimits(3, 40, Duration.ofSeconds(9), 1024, 2048),
                        Duration.ZERO, 1, false, false),
                Options.parse("-L", "1", "-c", "lb.json", "-e", "-k", "k", "-H", "0.0.0.0", "-P", "8080", "-n", "lb", "-l", "7", "-h",
                        "--threads", "3", "--connections", "40", "--timeout", "9", "--max-header", "1024",
                        "--max-body", "2048", "--drift-check", "0"));
        assertEquals(Optional.of(Path.of("/run/key")), Options.parse("--key-file", "/run/key").keyFile());
    }

    @Test
    void readsOptionsAsNftlbsGetoptDoes() {
        Options o = Options.parse("--config=lb.json", "-kKEY", "-P8080", "--log-output=3", "-6", "-S", "-m", "80000000");
        assertEquals(Optional.of(Path.of("lb.json")), o.config());
        assertEquals(Optional.of("KEY"), o.key());
        assertEquals(8080, o.port());
        assertEquals("System.out", o.slf4jLogFile());
        assertEquals("::1", o.host());
        assertEquals("::", Options.parse("-6", "-H", "::").host());
        assertEquals("option -m = \"zz\" is not a hexadecimal mark",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("-mzz")).getMessage());
    }

    @Test
    void aBadValueIsNamed() {
        assertEquals("option -P = \"http\" must be a number within 0..65535",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("-P", "http")).getMessage());
        assertEquals("option --max-body = \"0\" must be a number within 1..2147483639",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("--max-body", "0")).getMessage());
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertEquals("option -k = \"\": the key must not be empty",
                assertThrows(IllegalArgumentException.class, () -> Options.parse("-k", "")).getMessage());
    }

    @Test
    void twoSourcesOfTheKeyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("-k", "a", "--key-file", "f"));
    }

    @Test
    void theHelpListsTheLimitsAndSaysAKeyOnTheCommandLineIsVisible() {
        for (String option : new String[] {"--threads", "--connections", "--timeout", "--max-header", "--max-body",
                "--key-file", "--drift-check"}) {
            assertTrue(Options.USAGE.contains(option), option);
        }
        assertTrue(Options.USAGE.contains("`ps`"), Options.USAGE);
    }
}
