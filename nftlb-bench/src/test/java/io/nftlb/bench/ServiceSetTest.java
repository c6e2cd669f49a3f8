package io.nftlb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every system gets the same service set, written in its own language. */
class ServiceSetTest {

    @Test
    void tenThousandDistinctVirtualAddresses() {
        Set<String> vips = new HashSet<>();
        for (int i = 0; i < Services.MAX; i++) {
            vips.add(Services.vip(i));
        }
        assertEquals(Services.MAX, vips.size());
        assertEquals("10.2.49.209", Services.measured(Services.MAX));
    }

    @Test
    void iptablesHasOneJumpAndOneChainPerServiceAndNthPerBackend() {
        String rules = LbSystem.Iptables.restoreInput(2);
        assertTrue(rules.contains("-A PREROUTING -d 10.2.0.11/32 -p tcp -m tcp --dport 80 -j SVC_1\n"), rules);
        assertTrue(rules.contains("-A SVC_1 -p tcp -m statistic --mode nth --every 4 --packet 0 -j DNAT "
                + "--to-destination 10.1.0.10:80\n"), rules);
        assertTrue(rules.contains("-A SVC_1 -p tcp -j DNAT --to-destination 10.1.0.13:80\n"), rules);
        assertEquals(2, rules.lines().filter(l -> l.startsWith("-A PREROUTING")).count());
    }

    @Test
    void lvsMasqueradesEveryBackendWithItsWeight() {
        String in = LbSystem.Lvs.restoreInput(1, true);
        assertEquals("""
                -A -t 10.2.0.10:80 -s wrr
                -a -t 10.2.0.10:80 -r 10.1.0.10:80 -m -w 1
                -a -t 10.2.0.10:80 -r 10.1.0.11:80 -m -w 2
                -a -t 10.2.0.10:80 -r 10.1.0.12:80 -m -w 3
                -a -t 10.2.0.10:80 -r 10.1.0.13:80 -m -w 4
                """, in);
    }

    @Test
    void ourFarmsAndNftlbFarmsAreTheSameServices() {
        assertEquals(3, LbSystem.Ours.farms(3, true).size());
        String json = LbSystem.Nftlb.json(3);
        assertEquals(3, json.split("\"virtual-addr\"", -1).length - 1);
        assertEquals(12, json.split("\"ip-addr\"", -1).length - 1);
    }

    @Test
    void variantsChangeOneFarmSettingAndRunOnlyWhenNamed() {
        LbSystem.Ours intra = (LbSystem.Ours) LbSystem.byName("ours-dnat-intra");
        assertTrue(LbSystem.Ours.farms(2, false, intra.variant()).stream().allMatch(io.nftlb.core.Farm::intraConnect));
        LbSystem.Ours plain = (LbSystem.Ours) LbSystem.byName("ours-dnat-nohairpin");
        assertEquals(new io.nftlb.core.Forwarding.Dnat(false),
                LbSystem.Ours.farms(1, false, plain.variant()).get(0).forwarding());
        assertEquals(new io.nftlb.core.Forwarding.Dnat(true), LbSystem.Ours.farms(1, false).get(0).forwarding());
        assertTrue(LbSystem.all().stream().noneMatch(LbSystem.variants()::contains), "the default run has no variants");
    }
}
