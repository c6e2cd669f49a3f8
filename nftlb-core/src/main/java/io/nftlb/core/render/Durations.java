package io.nftlb.core.render;

import java.time.Duration;

/** Formats durations as nft writes them: {@code 1d2h3m4s500ms}. */
final class Durations {

    private Durations() {}

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0) { // an expiration read just as it passed
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long n = ms / units[i];
            if (n > 0) {
                b.append(n).append(names[i]);
                ms -= n * units[i];
            }
        }
        return b.toString();
    }
}
