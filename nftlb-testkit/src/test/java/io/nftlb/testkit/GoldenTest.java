package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class GoldenTest {

    @TempDir
    Path dir;

    @Test
    void sameTextPasses() throws IOException {
        Path file = Files.writeString(dir.resolve("a.nft"), "table inet nftlb {\n}\n");

        Golden.assertMatches(file, "table inet nftlb {\n}\n");
    }

    @Test
    void aDifferenceNamesTheFirstLineThatDiffersAndHowToUpdate() throws IOException {
        Path file = Files.writeString(dir.resolve("a.nft"), "table inet nftlb {\n\tchain a {\n}\n");

        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Golden.assertMatches(file, "table inet nftlb {\n\tchain b {\n}\n"));

        assertTrue(e.getMessage().contains("at line 2: expected \"\tchain a {\", was \"\tchain b {\""), e.getMessage());
        assertTrue(e.getMessage().contains("-Dgolden.update=true"), e.getMessage());
        assertTrue(e.isExpectedDefined() && e.isActualDefined());
    }

    @Test
    void aMissingFileFailsWithHowToWriteIt() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Golden.assertMatches(dir.resolve("missing.nft"), "x"));

        assertTrue(e.getMessage().contains("no golden file"), e.getMessage());
    }

    @Test
    void updateModeWritesTheFileThenPasses() throws IOException {
        Path file = dir.resolve("sub").resolve("new.nft");
        String before = System.getProperty(Golden.UPDATE);
        System.setProperty(Golden.UPDATE, "true");
        try {
            Golden.assertMatches(file, "table ip t {\n}\n");
        } finally {
            if (before == null) {
                System.clearProperty(Golden.UPDATE);
            } else {
                System.setProperty(Golden.UPDATE, before);
            }
        }
        assertEquals("table ip t {\n}\n", Files.readString(file));
    }
}
