package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A request with farms and policies is one transaction: when the kernel refuses its policy part
 * (here because another tool declared the set the new policy needs otherwise), none of its
 * farms is left in the kernel, and the configuration the API reads is the one before the
 * request. (A netdev table deleted by another tool is not a refusal: the request puts it back
 * and succeeds, see {@link DaemonDriftIT}.)
 */
@RequiresNetns
class DaemonOrphanIT {

    static final String START = """
            {"policies": [{"name": "black001", "type": "blacklist", "elements": [{"data": "192.0.2.1"}]}],
             "farms": [{"name": "a", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat", "iface": "lo",
                        "policies": [{"name": "black001"}], "backends": [{"name": "a0", "ip-addr": "10.1.0.10"}]}]}""";

    static final String REQUEST = """
            {"policies": [{"name": "black002", "type": "blacklist", "elements": [{"data": "192.0.2.2"}]}],
             "farms": [{"name": "b", "virtual-addr": "10.0.0.41", "virtual-ports": "80", "mode": "dnat", "iface": "lo",
                        "policies": [{"name": "black002"}], "backends": [{"name": "b0", "ip-addr": "10.1.0.11"}]}]}""";

    @Test
    void aRequestWhosePolicyPartTheKernelRefusesLeavesNoFarmBehind(NetworkNamespace ns) {
        try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), ConfigMapper.parse(START))) {
            assertTrue(ns.listRuleset().contains("table netdev nftlb"), ns.listRuleset());
            // Not an interval set, as the policy's is: the kernel refuses to declare it again (not ENOENT:
            // nothing of ours is missing, so this is no drift to repair).
            ns.nft("add set netdev nftlb policy4-black002-b { type ipv4_addr; }");
            String kernelBefore = ns.listRuleset();
            var configBefore = daemon.config();

            assertThrows(CompletionException.class,
                    () -> daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse(REQUEST))));

            String kernelAfter = ns.listRuleset();
            assertTrue(!kernelAfter.contains("10.0.0.41") && !kernelAfter.contains("10.1.0.11"),
                    "farm b of the refused request is in the kernel: " + kernelAfter);
            assertEquals(kernelBefore, kernelAfter);
            assertEquals(configBefore, daemon.config());
            assertEquals(java.util.List.of("a"), daemon.farms().stream().map(f -> f.name()).toList());
        }
    }
}
