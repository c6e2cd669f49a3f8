package io.nftlb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a benchmark's results between the markers of its docs page, keeping the prose around them. */
final class ResultsPage {

    private ResultsPage() {}

    static String begin(String writer) {
        return "<!-- results:begin (written by " + writer + ") -->";
    }

    static final String END = "<!-- results:end -->";

    /**
     * Replaces what is between {@link #begin} and {@link #END} in {@code page}; without the
     * markers (or the page), writes the results to {@code fallback} next to it instead.
     */
    static void write(Path page, String writer, String results, String fallback) throws IOException {
        Files.createDirectories(page.getParent());
        String begin = begin(writer);
        if (Files.exists(page) && Files.readString(page).contains(begin)) {
            String text = Files.readString(page);
            int from = text.indexOf(begin) + begin.length();
            int to = text.indexOf(END, from);
            Files.writeString(page, text.substring(0, from) + "\n" + results + "\n" + text.substring(to));
        } else {
            Files.writeString(page.resolveSibling(fallback), results);
        }
    }
}
