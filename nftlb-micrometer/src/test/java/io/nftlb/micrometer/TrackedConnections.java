package io.nftlb.micrometer;

import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts conntrack entries into a namespace's table without traffic, with {@code conntrack -R}
 * (one process, batched): UDP flows from distinct sources to a VIP, marked with the given
 * conntrack marks in turn, tracked for 10 minutes. What a busy balancer's table holds, for
 * counting and dumping.
 */
final class TrackedConnections {

    private TrackedConnections() {}

    /** Adds {@code count} entries, the i-th carrying {@code marks.get(i % marks.size())}. */
    static void load(NetworkNamespace ns, List<Long> marks, int count) {
        StringBuilder lines = new StringBuilder(count * 100);
        for (int i = 0; i < count; i++) {
            int host = i / 50_000;
            lines.append("-I -p udp -s 10.200.").append(host / 250).append('.').append(host % 250 + 1)
                    .append(" -d 10.100.0.1 --sport ").append(1024 + i % 50_000).append(" --dport 53 -t 600 -m ")
                    .append(marks.get(i % marks.size())).append('\n');
        }
        try {
            Path file = Files.createTempFile("conntrack-", ".txt");
            try {
                Files.writeString(file, lines);
                ns.execOrThrow("conntrack", "-R", file.toString());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
