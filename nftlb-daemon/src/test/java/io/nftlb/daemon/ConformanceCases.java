package io.nftlb.daemon;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * nftlb's own configuration test cases ({@code <case>/input.json} and the ruleset nftlb makes of
 * it, {@code <case>/output.nft}): from {@code $NFTLB_CONFORMANCE_DIR}, else
 * {@code <repository>/../shared/conformance/nftlb}. They are not part of the repository (nftlb is
 * AGPL), so tests that need them skip, saying why, when they are absent.
 */
final class ConformanceCases {

    private ConformanceCases() {}

    /** The case directories, sorted; skips the calling test when there are none. */
    static List<Path> all() {
        Path dir = dir();
        assumeTrue(Files.isDirectory(dir), "nftlb conformance cases not found at " + dir
                + " (set NFTLB_CONFORMANCE_DIR): they are test data kept outside the repository");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("input.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path dir() {
        String env = System.getenv("NFTLB_CONFORMANCE_DIR");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        // Tests run in the module's directory; the repository root is its parent.
        Path root = Path.of("").toAbsolutePath().getParent();
        return root.resolveSibling("shared").resolve("conformance").resolve("nftlb");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
