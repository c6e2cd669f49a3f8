package io.nftlb.core.internal.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.Ids;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingress farms' ids read back from the offsets of their scheduling rules. */
class IngressIdentityTest {

    static DsrPath path(String farm) {
        return DsrPath.of(farm).in("eth0").out("eth1", "52:54:00:00:00:01")
                .backend("b0", "52:54:00:00:01:10").backend("b1", "52:54:00:00:01:11");
    }

    static Farm dsr(String name, String vip) {
        return Farm.dsr(vip).port(80).named(name).weighted(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
    }

    @Test
    void eachDsrFarmsIdIsItsRulesOffsetOverTheSlots() {
        Farm symmetric = Farm.dsr("10.0.0.42").port(80).named("back-sym")
                .scheduler(Scheduler.symmetricHash()).backends(Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"));
        Map<String, Integer> ids = Map.of("a", 7, "dsr-b", 3, "back-sym", 12);
        Table netdev = IngressCompiler.compile(List.of(), List.of(dsr("a", "10.0.0.40"), dsr("dsr-b", "10.0.0.41"),
                symmetric), List.of(path("a"), path("dsr-b"), path("back-sym")), n -> ids.get(n) * IngressCompiler.SLOTS);
        assertEquals(ids, IngressIdentity.farmIds(netdev));
    }

    @Test
    void anIdTheInetTableHoldsIsNotGivenToAnIngressFarm() {
        Table netdev = IngressCompiler.compile(List.of(), List.of(dsr("a", "10.0.0.40"), dsr("b", "10.0.0.41")),
                List.of(path("a"), path("b")), n -> (n.equals("a") ? 1 : 2) * IngressCompiler.SLOTS);
        BackendIdentity.Recovered inet = new BackendIdentity.Recovered(Map.of("web", new Ids(1, Map.of("w0", 1L))), 1);
        assertEquals(Map.of("web", new Ids(1, Map.of("w0", 1L)), "b", new Ids(2, Map.of())),
                inet.withIngress(netdev).farms());
    }
}
