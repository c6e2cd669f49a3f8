package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Support} says what the compilers do: each forwarding it accepts compiles. */
class SupportTest {

    @Test
    void everyForwardingItAcceptsCompiles() {
        String mac = "52:54:00:00:01:10";
        List<Farm> farms = List.of(
                Farm.dnat("192.0.2.1").port(80).named("dnat").roundRobin(Backend.of("b", "10.1.0.10")),
                Farm.snat("192.0.2.2").port(80).named("snat").roundRobin(Backend.of("b", "10.1.0.10")),
                Farm.dsr("192.0.2.3").port(80).named("dsr").roundRobin(Backend.of("b", "10.1.0.10")),
                Farm.statelessDnat("192.0.2.4").port(80).named("stateless")
                        .roundRobin(Backend.of("b", "10.1.0.10")));
        for (Farm farm : farms) {
            assertEquals(Optional.empty(), Support.forwarding(farm.forwarding()), farm.name());
            if (farm.forwarding().servedAtIngress()) {
                IngressCompiler.compile(List.of(), List.of(farm),
                        List.of(DsrPath.of(farm.name()).in("eth0", mac).out("eth1", mac).backend("b", mac)));
            } else {
                RulesetCompiler.compile(List.of(farm));
            }
        }
        assertTrue(farms.stream().anyMatch(f -> f.forwarding().servedAtIngress()));
    }
}
