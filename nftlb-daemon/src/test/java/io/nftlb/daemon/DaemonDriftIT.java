package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With its drift check (on by default on the command line), the daemon puts back its table when
 * another tool deletes it, and requests succeed again; a request that comes first puts it back itself.
 */
@RequiresNetns
class DaemonDriftIT {

    static final String START = """
            {"farms": [{"name": "a", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat",
                        "backends": [{"name": "a0", "ip-addr": "10.1.0.10"}]}]}""";

    @Test
    void aDeletedTableIsPutBackAndRequestsSucceedAgain(NetworkNamespace ns) throws Exception {
        try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), ConfigMapper.parse(START),
                DeviceFinder.none(), Optional.of(Duration.ofMillis(500)))) {
            ns.nft("delete table inet nftlb");
            awaitTableBack(ns);
            assertTrue(ns.listRuleset().contains("10.1.0.10"), "farm a is back: " + ns.listRuleset());

            daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse("""
                    {"farms": [{"name": "b", "virtual-addr": "10.0.0.41", "virtual-ports": "80", "mode": "dnat",
                                "backends": [{"name": "b0", "ip-addr": "10.1.0.11"}]}]}""")));
            String ruleset = ns.listRuleset();
            assertTrue(ruleset.contains("10.1.0.10") && ruleset.contains("10.1.0.11"), ruleset);
            assertEquals(List.of("a", "b"), daemon.farms().stream().map(f -> f.name()).toList());
        }
    }

    @Test
    void aRequestBeforeAnyDriftCheckPutsTheTableBackAndSucceeds(NetworkNamespace ns) throws Exception {
        // No periodic check: the request itself finds the table gone (ENOENT) and puts it back.
        try (Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), ConfigMapper.parse(START),
                DeviceFinder.none(), Optional.empty())) {
            ns.nft("delete table inet nftlb");
            daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse("""
                    {"farms": [{"name": "b", "virtual-addr": "10.0.0.41", "virtual-ports": "80", "mode": "dnat",
                                "backends": [{"name": "b0", "ip-addr": "10.1.0.11"}]}]}""")));
            String ruleset = ns.listRuleset();
            assertTrue(ruleset.contains("10.1.0.10") && ruleset.contains("10.1.0.11"), ruleset);
            assertEquals(List.of("a", "b"), daemon.farms().stream().map(f -> f.name()).toList());
        }
    }

    /** Waits for the check to run (it needs no timing to be right: only to happen at all). */
    static void awaitTableBack(NetworkNamespace ns) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (ns.listRuleset().contains("table inet nftlb")) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the daemon did not put its table back within a minute: " + ns.listRuleset());
    }
}
