package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * flow-offload maps onto the library's flow offload; this project's kernel has no
     * flowtables, so the kernel refuses it (exit 3) and nothing is applied. On a kernel with them
     * it applies and the flowtable is there.
     */
    @Test
    void flowOffloadAppliesOrTheKernelRefusesItWhole(NetworkNamespace ns, @TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("offload.json"), """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "snat",
                  "flow-offload": "on", "iface": "lo", "oface": "lo",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""");
        int exit = Main.run(Options.parse("-c", config.toString(), "-e", "-n", ns.name()));
        if (exit == 3) {
            String ruleset = ns.listRuleset(); // the load balancer's empty table is there from its start
            assertFalse(ruleset.contains("10.0.0.40") || ruleset.contains("fastpath"), "nothing of it applied: " + ruleset);
            org.junit.jupiter.api.Assumptions.assumeTrue(false,
                    "this kernel lacks CONFIG_NF_FLOW_TABLE: the flowtable cannot be installed");
        }
        assertEquals(0, exit);
        assertTrue(ns.listRuleset().contains("flow add @fastpath"), ns.listRuleset());
    }
}
