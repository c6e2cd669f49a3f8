package io.nftlb.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Testing your own farms" example, as written there: {@link #alternates()} is the
 * README's test method, with {@code myFarm} a round-robin farm on the topology's two backends, and
 * {@link #theReadmeShowsThisMethodAsItIs()} checks that the README's block still has this
 * method's text, so that the two cannot drift apart.
 */
@RequiresNetns
class ReadmeExampleIT {

    private final Farm myFarm = Farm.dnat("10.0.0.40").port(80).named("web")
            .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));

    @Test
    void alternates() {
        try (Topology t = Topology.builder().backends(2).start()) {
            t.balancer().addAddress("10.0.0.40");
            t.balancer().namespace().nft(NftText.render(RulesetCompiler.compile(List.of(myFarm)).ruleset()));
            Tally tally = t.client().connectTcp("10.0.0.40", 80, 10);
            assertEquals(List.of("b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1", "b0", "b1"), tally.sequence());
        }
    }

    @Test
    void theReadmeShowsThisMethodAsItIs() throws IOException {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        String source = Files.readString(Path.of("src/test/java/io/nftlb/core/ReadmeExampleIT.java"));
        String method = method(source, "    void alternates() {");
        assertTrue(readme.contains("@Test\n" + method), "README.md's MyFarmIT should be\n" + method);
    }

    /** From the line {@code start} to the line that closes it (same indentation), both included. */
    private static String method(String source, String start) {
        int from = source.indexOf(start);
        int to = source.indexOf("\n    }\n", from) + "\n    }\n".length();
        assertTrue(from >= 0 && to > from, start);
        return source.substring(from, to);
    }
}
