package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceTest {

    @Test
    void theOptionWinsThenTheFileThenTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("key"), "from-file\n");
        assertEquals(new KeySource("opt", false), KeySource.choose(Optional.of("opt"), Optional.of(file), Optional.of("env")));
        assertEquals(new KeySource("from-file", false), KeySource.choose(Optional.empty(), Optional.of(file), Optional.of("env")));
        assertEquals(new KeySource("env", false), KeySource.choose(Optional.empty(), Optional.empty(), Optional.of("env")));
    }

    @Test
    void anEmptyVariableCountsAsUnsetAndTheGeneratedKeyIsToBePrinted() {
        KeySource key = KeySource.choose(Optional.empty(), Optional.empty(), Optional.of(""));
        assertTrue(key.generated());
        assertEquals(32, key.key().length());
        assertFalse(KeySource.choose(Optional.empty(), Optional.empty(), Optional.of("k")).generated());
    }

    @Test
    void anEmptyKeyFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("key"), "\n");
        assertEquals("key file " + file + ": its first line, the key, is empty", assertThrows(IllegalArgumentException.class,
                () -> KeySource.choose(Optional.empty(), Optional.of(file), Optional.empty())).getMessage());
    }
}
