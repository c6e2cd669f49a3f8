package io.nftlb.examples;

import java.util.Locale;
import java.util.Map;

/** A compact table of counts per backend with a bar each, for the terminal. */
public final class Bars {

    private static final int WIDTH = 40;

    private Bars() {}

    /** One line per entry: name, count, share of {@code total} and a bar; a zero "failed" is left out. */
    public static String render(Map<String, Integer> counts, int total) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getKey().equals("failed") && e.getValue() == 0) {
                continue;
            }
            double share = (double) e.getValue() / Math.max(1, total);
            b.append(String.format(Locale.ROOT, "  %-6s %4d %5.1f%% %s%n", e.getKey(), e.getValue(), 100 * share,
                    "#".repeat((int) Math.round(WIDTH * share))));
        }
        return b.toString();
    }
}
