package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.transport.TransportException;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Farms with flow offload on other devices (here {@code lo} and a veth) change the flowtable's
 * devices in place: the first offloading farm adds the flowtable, a farm on another device adds
 * that device to it, and the removal of the farm on the first device removes only that device;
 * the table is never replaced. Whether this kernel has flowtables ({@code CONFIG_NF_FLOW_TABLE}) is decided by
 * {@link KernelFeature}: without them the first offloading farm is refused naming the feature,
 * and the test skips with the evidence as the reason.
 */
@RequiresNetns
class FlowtableDevicesIT {

    static final Farm ON_LO = Farm.snat("10.0.0.70").port(80).named("fast").offload("lo")
            .weighted(Backend.of("f1", "10.1.0.70"));
    static final Farm ON_DUMMY = Farm.snat("10.0.0.71").port(80).named("other").offload("ftd0")
            .weighted(Backend.of("o1", "10.1.0.71"));

    @Test
    void farmsOnOtherDevicesChangeTheFlowtableWithoutReplacingTheTable(NetworkNamespace ns) {
        KernelFeature.Evidence flowtables = KernelFeature.NF_FLOW_TABLE.evidence();
        ns.execOrThrow("ip", "link", "add", "ftd0", "type", "veth", "peer", "name", "ftd1");
        List<Transaction> committed = new CopyOnWriteArrayList<>();
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(ns.name()))
                .listener(new CommitListener() {
                    @Override
                    public void committed(Transaction transaction) {
                        committed.add(transaction);
                    }
                }).open();
             NetlinkTransport probe = NetlinkTransport.openInNamespace(ns.name())) {
            if (!flowtables.present()) {
                CompletionException e = assertThrows(CompletionException.class, () -> lb.apply(ON_LO).join(),
                        flowtables.summary());
                TransportException t = assertInstanceOf(TransportException.class, e.getCause());
                assertTrue(t.getMessage().contains("CONFIG_NF_FLOW_TABLE"), t.getMessage());
                Assumptions.abort(flowtables.summary());
            }
            lb.apply(ON_LO).join();
            int first = committed.size();
            lb.apply(ON_DUMMY).join();
            assertEquals(List.of("ftd0", "lo"), devices(probe).stream().sorted().toList());
            lb.remove("fast").join();
            assertEquals(List.of("ftd0"), devices(probe));
            assertEquals(List.of(), Kernel.differences(probe, lb));
            List<Op> ops = committed.subList(first, committed.size()).stream().flatMap(tx -> tx.ops().stream())
                    .toList();
            assertTrue(ops.stream().noneMatch(op -> op instanceof Op.DeleteTable || op instanceof Op.DeleteFlowtable),
                    "the table and its flowtable stay: " + ops);
            assertTrue(ops.stream().anyMatch(op -> op instanceof Op.DeleteFlowtableDevices), ops.toString());
        }
    }

    private static List<String> devices(NetlinkTransport kernel) {
        return kernel.read(Layout.TABLE).orElseThrow().flowtables().stream().findFirst().map(Flowtable::devices)
                .orElseThrow();
    }
}
