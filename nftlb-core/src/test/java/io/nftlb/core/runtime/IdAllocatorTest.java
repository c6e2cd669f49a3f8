package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.internal.compile.BackendIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A farm id is taken while an entry in a layer holds it, and free once none does. */
class IdAllocatorTest {

    final IdAllocator ids = new IdAllocator();
    final FarmLayers layers = new FarmLayers(ids);

    static Farm farm(String name) {
        return Farm.dnat("10.0.0.1").port(80).named(name).roundRobin(Backend.of("b", "10.1.0.1"));
    }

    FarmEntry entry(String name) {
        Farm f = farm(name);
        Ids assigned = ids.assign(f, Optional.empty());
        return new FarmEntry(f, assigned, FarmParts.compile(f, assigned), Set.of());
    }

    @Test
    void anAssignedIdIsTakenOnlyWhenItsEntryEntersALayer() {
        FarmEntry a = entry("a");
        assertEquals(0, a.ids().farmId());
        assertFalse(ids.held(0));
        assertEquals(0, entry("b").ids().farmId(), "not held yet: the same id is named again");
        layers.queue("a", new FarmUpdate.Put(a));
        assertTrue(ids.held(0));
        assertEquals(1, entry("b").ids().farmId());
    }

    @Test
    void anIdStaysTakenWhileAnyLayerHoldsItAndIsFreedWhenNoneDoes() {
        FarmEntry a = entry("a");
        layers.queue("a", new FarmUpdate.Put(a));
        layers.startBatch();
        layers.finish((before, after) -> { });
        assertTrue(ids.held(0), "committed");
        layers.queue("a", FarmUpdate.REMOVED);
        layers.startBatch();
        assertTrue(ids.held(0), "removal under way: the kernel still has the farm");
        layers.finish((before, after) -> { });
        assertFalse(ids.held(0), "removed from the kernel");
        assertEquals(0, entry("c").ids().farmId(), "and reused");
    }

    @Test
    void anAbortedCommitFreesTheIdsOnlyItsChangesHeld() {
        FarmEntry a = entry("a");
        layers.queue("a", new FarmUpdate.Put(a));
        layers.startBatch();
        layers.finish((before, after) -> { });
        layers.queue("b", new FarmUpdate.Put(entry("b")));
        layers.queue("a", FarmUpdate.REMOVED);
        layers.startBatch();
        layers.queue("c", new FarmUpdate.Put(entry("c")));
        layers.abort();
        assertTrue(ids.held(0), "a is still in the kernel");
        assertFalse(ids.held(1));
        assertFalse(ids.held(2));
        assertEquals(1, entry("d").ids().farmId());
    }

    @Test
    void anUndoneQueueGivesTheIdBack() {
        Optional<FarmUpdate> before = layers.queue("a", new FarmUpdate.Put(entry("a")));
        layers.unqueue("a", before);
        assertFalse(ids.held(0));
        assertFalse(layers.hasPending());
    }

    @Test
    void idsRecoveredFromTheKernelAreKeptUntilStartUpEnds() {
        ids.recover(new BackendIdentity.Recovered(Map.of("old", new Ids(3, Map.of("b", 0x100L))), 0x100));
        assertTrue(ids.held(3));
        FarmEntry other = entry("x");
        assertEquals(0, other.ids().farmId());
        FarmEntry old = entry("old");
        assertEquals(3, old.ids().farmId(), "a recovered farm gets its id back");
        assertEquals(0x100L, old.ids().mark("b"));
        ids.endRecovery();
        assertFalse(ids.held(3), "no entry holds it");
        assertTrue(entry("y").ids().mark("b") > 0x100L, "new marks come after the recovered ones");
    }

    @Test
    void droppingMoreThanHeldIsABug() {
        assertThrows(IllegalStateException.class, () -> ids.drop(5));
    }
}
