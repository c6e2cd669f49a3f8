package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's {@code -c FILE -e -n NETNS}: applies and exits, or refuses and applies nothing. */
@RequiresNetns
class MainIT {

    @Test
    void appliesTheProjectsExampleAndExits(NetworkNamespace ns, @TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("web.json"), ConfigMapperTest.resource("examples/web.json"));
        assertEquals(0, Main.run(Options.parse("-c", config.toString(), "-e", "-n", ns.name())));
        String ruleset = ns.listRuleset();
        assertTrue(ruleset.contains("10.0.0.40") && ruleset.contains("10.1.0.11")
                && ruleset.contains("fd00:1::10"), ruleset);
    }

    @Test
    void aConfigurationWithUnsupportedFieldsAppliesNothing(NetworkNamespace ns, @TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("intra.json"), """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "21", "mode": "snat",
                  "colour": "blue", "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""");
        assertEquals(1, Main.run(Options.parse("-c", config.toString(), "-e", "-n", ns.name())));
        assertFalse(ns.listRuleset().contains("nftlb"), ns.listRuleset());
    }

    /**
     * flow-offload maps onto the library's flow offload. Whether this kernel has flowtables is
     * decided by {@link KernelFeature}: with them, it applies (exit 0) and the flowtable is there;
     * without them, the kernel refuses it (exit 3, and the message says why), nothing of it is
     * applied, and the test skips with the evidence.
     */
    @Test
    void flowOffloadAppliesOrTheKernelRefusesItWhole(NetworkNamespace ns, @TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("offload.json"), """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "snat",
                  "flow-offload": "on", "iface": "lo", "oface": "lo",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""");
        KernelFeature.Evidence flowtables = KernelFeature.NF_FLOW_TABLE.evidence();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = Main.run(Options.parse("-c", config.toString(), "-e", "-n", ns.name()));
        } finally {
            System.setErr(stderr);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        if (flowtables.present()) {
            assertEquals(0, exit, message);
            assertTrue(ns.listRuleset().contains("flow add @fastpath"), ns.listRuleset());
            return;
        }
        assertEquals(3, exit, flowtables.summary() + "; " + message);
        assertTrue(message.contains("the kernel refused") && message.contains("CONFIG_NF_FLOW_TABLE"), message);
        String ruleset = ns.listRuleset(); // the load balancer's empty table is there from its start
        assertFalse(ruleset.contains("10.0.0.40") || ruleset.contains("fastpath"), "nothing of it applied: " + ruleset);
        Assumptions.abort(flowtables.summary());
    }
}
