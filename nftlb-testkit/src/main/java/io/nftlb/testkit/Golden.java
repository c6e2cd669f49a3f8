package io.nftlb.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;

/**
 * Golden-file assertions for rendered rulesets (or any text): the expected text lives in a file
 * next to the test, and {@code -Dgolden.update=true} rewrites the files from what the code
 * renders now, for review in the diff.
 *
 * <pre>{@code
 * Golden.assertMatches("web.nft", NftText.render(RulesetCompiler.compile(List.of(web)).ruleset()));
 * }</pre>
 *
 * <p>Needs neither root nor a kernel.
 */
public final class Golden {

    /** The system property that rewrites golden files instead of comparing with them. */
    public static final String UPDATE = "golden.update";

    /** Where {@link #assertMatches(String, String)} looks: relative to the module's directory. */
    public static final Path DIRECTORY = Path.of("src", "test", "resources", "golden");

    private Golden() {}

    /**
     * Asserts that {@code actual} is the text of {@code name} under {@link #DIRECTORY}.
     *
     * @param name the golden file's name, e.g. {@code web.nft}
     * @param actual the text the code under test produced
     * @throws AssertionFailedError if they differ, or the file does not exist
     */
    public static void assertMatches(String name, String actual) {
        assertMatches(DIRECTORY.resolve(name), actual);
    }

    /**
     * Asserts that {@code actual} is the text of {@code file}. With {@code -Dgolden.update=true},
     * writes {@code actual} to {@code file} first (creating its directory), so the assertion
     * passes and the change shows in the version control diff.
     *
     * @param file the golden file
     * @param actual the text the code under test produced
     * @throws AssertionFailedError if they differ, or the file does not exist
     */
    public static void assertMatches(Path file, String actual) {
        try {
            if (Boolean.getBoolean(UPDATE)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            if (!Files.exists(file)) {
                throw new AssertionFailedError("no golden file " + file + " (run with -D" + UPDATE
                        + "=true to write it)");
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (!expected.equals(actual)) {
                throw new AssertionFailedError(file + " differs " + firstDifference(expected, actual)
                        + " (run with -D" + UPDATE + "=true to rewrite it, then review the diff)", expected, actual);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where two texts part, as {@code at line N: expected "...", was "..."}. */
    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String want = i < e.length ? e[i] : "<end of file>";
            String got = i < a.length ? a[i] : "<end of text>";
            if (!want.equals(got)) {
                return "at line " + (i + 1) + ": expected \"" + want + "\", was \"" + got + "\"";
            }
        }
        return "";
    }
}
