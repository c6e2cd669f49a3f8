package io.nftlb.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.RequiresNetns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's main command, as users run it: the packaged demo jar in its own JVM. */
@RequiresNetns
class DemoIT {

    @Test
    void demoShowsFailoverAndRecoveryAndCleansUp() throws Exception {
        Path jar = Path.of("target", "nftlb-demo.jar");
        assertTrue(Files.exists(jar), "the package phase builds " + jar.toAbsolutePath());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", jar.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo must finish within a minute:\n" + output);
        assertEquals(0, p.exitValue(), output);
        for (String step : new String[] {"the health check notices after", "takes b1 out",
                "the health check brings it back", "Cleaned up: every namespace is gone."}) {
            assertTrue(output.contains(step), "missing \"" + step + "\" in:\n" + output);
        }
        String down = output.substring(output.indexOf("== b1 down"), output.indexOf("b1's server starts again"));
        assertTrue(!down.contains("  b1 ") && !down.contains("failed"),
                "while b1 is down no connection goes to it and none fails:\n" + down);
    }
}
