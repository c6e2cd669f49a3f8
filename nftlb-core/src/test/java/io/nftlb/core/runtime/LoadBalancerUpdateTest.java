package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.testing.RulesetModel;
import io.nftlb.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** {@link LoadBalancer#update}: several changes as one transaction, or none of them. */
class LoadBalancerUpdateTest {

    final FakeTransport kernel = new FakeTransport();
    final List<String> events = new ArrayList<>();

    static final Farm WEB = LoadBalancerTest.web();
    static final Farm DNS = Farm.dnat("10.0.0.53").udp().port(53).named("dns").roundRobin(Backend.of("d1", "10.1.0.20"));

    LoadBalancer open() {
        return LoadBalancer.builder(kernel).coalesce(Duration.ZERO).listener(new CommitListener() {
            @Override
            public void committed(Transaction transaction) {
                events.add("committed");
            }

            @Override
            public void failed(Transaction transaction, RuntimeException error) {
                events.add("failed " + ((TransportException) error).errno());
            }
        }).open();
    }

    void assertKernelHolds(LoadBalancer lb) {
        assertEquals(RulesetModel.text(Expected.table(lb, lb.farms())),
                RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
    }

    @Test
    void changesToSeveralFarmsAreOneTransaction() {
        try (LoadBalancer lb = open()) {
            lb.apply(WEB).join();
            events.clear();
            lb.update(c -> c.apply(DNS).setWeight("web", "b1", 3).setState("dns", "d1", BackendState.DRAIN)).join();
            assertEquals(List.of("committed"), events, "one transaction for the three changes");
            assertEquals(List.of(WEB.backend("b1", b -> b.weight(3)),
                    DNS.backend("d1", b -> b.state(BackendState.DRAIN))), lb.farms());
            assertKernelHolds(lb);
        }
    }

    /** Each change applies on top of the ones before it: a farm can take over the address of one removed before it. */
    @Test
    void aFarmTakesOverTheServiceOfOneRemovedInTheSameUpdate() {
        try (LoadBalancer lb = open()) {
            lb.apply(WEB).join();
            events.clear();
            Farm successor = Farm.dnat("10.0.0.40").port(80).named("web2").roundRobin(Backend.of("n1", "10.1.0.30"));
            assertThrows(InvalidFarmException.class, () -> lb.apply(successor), "the address is taken while web exists");
            lb.update(c -> c.remove("web").apply(successor)).join();
            assertEquals(List.of("committed"), events);
            assertEquals(List.of(successor), lb.farms());
            assertKernelHolds(lb);
        }
    }

    @Test
    void aBadChangeRejectsTheWholeUpdate() {
        try (LoadBalancer lb = open()) {
            lb.apply(WEB).join();
            int attempts = kernel.attempted().size();
            InvalidFarmException e = assertThrows(InvalidFarmException.class,
                    () -> lb.update(c -> c.apply(DNS).remove("web").setWeight("dns", "d9", 1)));
            assertEquals("farm \"dns\": has no backend \"d9\"", e.getMessage());
            Farm clash = Farm.dnat("10.0.0.53").udp().port(53).named("dns2").roundRobin(Backend.at("10.1.0.21"));
            assertTrue(assertThrows(InvalidFarmException.class, () -> lb.update(c -> c.apply(DNS).apply(clash)))
                    .getMessage().contains("already served by farm \"dns\""));
            assertEquals(attempts, kernel.attempted().size(), "nothing was sent to the kernel");
            assertEquals(List.of(WEB), lb.farms());
            // Nothing of the refused updates is left: dns's address is free, and web is there to change.
            lb.update(c -> c.apply(clash).setWeight("web", "b2", 7)).join();
            assertEquals(List.of(WEB.backend("b2", b -> b.weight(7)), clash), lb.farms());
            assertKernelHolds(lb);
        }
    }

    @Test
    void changesKeptPastTheirUpdateAreRefused() {
        try (LoadBalancer lb = open()) {
            Changes[] kept = new Changes[1];
            lb.update(c -> kept[0] = c.apply(WEB)).join();
            assertEquals("change to farm \"dns\" made after its update was submitted",
                    assertThrows(IllegalStateException.class, () -> kept[0].apply(DNS)).getMessage());
            assertEquals(List.of(WEB), lb.farms());
        }
    }

    @Test
    void aRefusedUpdateLeavesKernelAndStateAsBefore() {
        try (LoadBalancer lb = open()) {
            lb.apply(WEB).join();
            String before = RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow());
            kernel.failNext("ENOBUFS");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> lb.update(c -> c.apply(DNS).setWeight("web", "b1", 1).remove("nope")).join());
            assertEquals("ENOBUFS", ((TransportException) e.getCause()).errno());
            assertEquals(List.of(WEB), lb.farms());
            assertEquals(before, RulesetModel.text(kernel.model().table(Layout.TABLE).orElseThrow()));
            lb.apply(DNS).join();
            assertKernelHolds(lb);
        }
    }

    /** An update queued behind a failed commit is applied again as one: if one of its changes no longer applies, none does. */
    @Test
    void anUpdateBuiltOnAFailedCommitIsDroppedAsOne() throws Exception {
        try (LoadBalancer lb = open()) {
            lb.apply(WEB).join();
            kernel.hold();
            CompletableFuture<Void> created = lb.apply(DNS);
            kernel.awaitAttempts(3); // the farm's creation is under way ...
            CompletableFuture<Void> both = lb.update(c -> c.setWeight("web", "b1", 3).setState("dns", "d1", BackendState.DOWN));
            CompletableFuture<Void> alone = lb.setWeight("web", "b2", 4);
            kernel.failNext("EPERM"); // ... and fails
            kernel.release();
            assertThrows(CompletionException.class, created::join);
            assertEquals("farm \"dns\" does not exist",
                    assertThrows(CompletionException.class, both::join).getCause().getMessage());
            alone.join();
            assertEquals(List.of(WEB.backend("b2", b -> b.weight(4))), lb.farms(), "web's b1 weight was not applied alone");
            assertKernelHolds(lb);
        }
    }

    /** Undoing a refused update gives back a farm id it had freed: the farm that still holds it keeps it alone. */
    @Test
    void aRefusedUpdateKeepsTheFarmIdsOfPendingFarms() throws Exception {
        try (LoadBalancer lb = open()) {
            kernel.hold();
            CompletableFuture<Void> web = lb.apply(WEB);
            kernel.awaitAttempts(2);
            CompletableFuture<Void> dns = lb.apply(DNS); // pending, with a fresh id
            assertThrows(IllegalArgumentException.class, () -> lb.update(c -> c.remove("dns").setWeight("nope", "b", 1)));
            kernel.release();
            web.join();
            dns.join();
            Farm other = Farm.dnat("10.0.0.60").port(80).named("other").roundRobin(Backend.of("o1", "10.1.0.40"));
            lb.apply(other).join();
            int dnsId = lb.ids("dns").orElseThrow().farmId();
            int otherId = lb.ids("other").orElseThrow().farmId();
            assertNotEquals(dnsId, otherId, "farm ids dns=" + dnsId + " other=" + otherId);
            assertKernelHolds(lb);
        }
    }
}
