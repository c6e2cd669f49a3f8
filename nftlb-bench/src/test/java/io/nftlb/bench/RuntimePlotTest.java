package io.nftlb.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's numbers are the results table's, read as RuntimeBench writes it. */
class RuntimePlotTest {

    @Test
    void theResultsTableIsReadRowByRow() {
        String page = """
                prose | system | farms | not this one |
                <!-- results:begin (written by RuntimeBench) -->
                Run ...

                | system | farms | cold load | weight change p50 / p99 | state change p50 / p99 | add a farm p50 / p99 | memory per farm |
                | --- | ---: | ---: | ---: | ---: | ---: | ---: |
                | ours-netlink | 1 | 0.072 s | 124 µs / 229 µs | 123 µs / 1433 µs | 130 µs / 313 µs | n/a |
                | nftlb | 1,000 | 38.755 s | 10.3 ms / 16.7 ms | 9786 µs / 13.6 ms | 1.2 s / 2 s | 268 KiB |

                | farms | system | weight change |
                | 1 | ours-nft | 218x |
                <!-- results:end -->
                """;
        List<RuntimePlot.Row> rows = RuntimePlot.parse(page);
        assertEquals(2, rows.size());
        assertEquals("ours-netlink", rows.get(0).system());
        assertArrayEquals(new double[] {124, 123, 130}, rows.get(0).p50Micros());
        assertEquals(1000, rows.get(1).farms());
        assertArrayEquals(new double[] {10_300, 9786, 1_200_000}, rows.get(1).p50Micros(), 1e-6);
    }

    @Test
    void thePagesResultsHaveEverySystem() throws Exception {
        List<RuntimePlot.Row> rows = RuntimePlot.parse(Files.readString(Path.of("..", "docs", "benchmarks", "runtime.md")));
        assertEquals(List.of("ours-netlink", "ours-nft", "nftlb"), rows.stream().map(RuntimePlot.Row::system).distinct().toList());
        assertTrue(rows.stream().allMatch(r -> r.p50Micros()[0] > 0));
    }
}
