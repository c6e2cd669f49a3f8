package io.nftlb.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Measured" table quotes its pages: every number in a row's headline appears in the
 * page that row links, outside the page's sections about earlier runs (headings that start with
 * "Earlier"), so a headline cannot outlive the results it came from.
 */
class ReadmeNumbersTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** A number as written in the docs: 10,000 and 10000 are the same, 0.93 stays 0.93. */
    static final Pattern NUMBER = Pattern.compile("\\d+(?:,\\d{3})*(?:\\.\\d+)?");

    @Test
    void everyNumberOfTheMeasuredTableIsInThePageItLinks() throws IOException {
        List<String[]> rows = measuredRows(Files.readString(ROOT.resolve("README.md")));
        assertFalse(rows.isEmpty(), "README.md has a Measured table");
        List<String> problems = new ArrayList<>();
        for (String[] row : rows) {
            String what = row[0];
            Matcher link = Pattern.compile("`([^`]+\\.md)`").matcher(row[1]);
            if (!link.find() || !Files.isRegularFile(ROOT.resolve(link.group(1)))) {
                problems.add(what + ": links no page of the repository: " + row[1]);
                continue;
            }
            Set<String> onPage = numbers(currentSections(Files.readString(ROOT.resolve(link.group(1)))));
            Set<String> missing = new TreeSet<>(numbers(row[2]));
            missing.removeAll(onPage);
            if (!missing.isEmpty()) {
                problems.add(what + ": " + missing + " not in " + link.group(1));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aNumberIsFoundWhateverItsThousandsSeparatorAndNotInsideALongerOne() {
        assertEquals(Set.of("10000", "0.93", "1.63", "50"), numbers("10,000 services: 0.93x, 1.63x p50"));
        assertTrue(numbers("139.16 ms").contains("139.16") && !numbers("139.16 ms").contains("139"));
        assertEquals("| a |\n## Results\nkept\n", currentSections("| a |\n## Earlier runs\nold\n### 2026\nolder\n"
                + "## Results\nkept\n"));
    }

    /** The rows of the table under "## Measured": what, page, headline. */
    static List<String[]> measuredRows(String readme) {
        int at = readme.indexOf("\n## Measured");
        assertTrue(at >= 0, "README.md has a ## Measured section");
        List<String[]> rows = new ArrayList<>();
        for (String line : readme.substring(at + 1).split("\n")) {
            if (line.startsWith("## ") && !line.startsWith("## Measured")) {
                break;
            }
            if (line.startsWith("|") && !line.startsWith("| what") && !line.startsWith("| ---")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                rows.add(new String[] {cells[0].strip(), cells[1].strip(), cells[2].strip()});
            }
        }
        return rows;
    }

    /** The page without its sections about earlier runs (a heading starting "Earlier" and what it holds). */
    static String currentSections(String page) {
        StringBuilder kept = new StringBuilder();
        int skipping = 0; // the level of the "Earlier" heading being skipped, 0 if none
        for (String line : page.split("\n", -1)) {
            Matcher h = Pattern.compile("^(#+) (.*)").matcher(line);
            if (h.find()) {
                int level = h.group(1).length();
                if (skipping > 0 && level <= skipping) {
                    skipping = 0;
                }
                if (skipping == 0 && h.group(2).startsWith("Earlier")) {
                    skipping = level;
                }
            }
            if (skipping == 0) {
                kept.append(line).append('\n');
            }
        }
        return kept.substring(0, Math.max(0, kept.length() - 1));
    }

    static Set<String> numbers(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(m.group().replace(",", ""));
        }
        return out;
    }
}
