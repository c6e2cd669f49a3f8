package io.nftlb.core.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The runtime's farms in three layers: what the kernel has ({@code committed}), what the commit
 * under way will give it ({@code inflight}), and what callers asked for since ({@code pending}).
 * The desired farms are the three read top-down. Entries entering and leaving the layers is
 * what holds and frees farm ids ({@link IdAllocator}); nothing else does.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class FarmLayers {

    private final IdAllocator ids;
    private final Map<String, FarmEntry> committed = new LinkedHashMap<>();
    private Map<String, FarmUpdate> inflight = new LinkedHashMap<>();
    private Map<String, FarmUpdate> pending = new LinkedHashMap<>();

    FarmLayers(IdAllocator ids) {
        this.ids = ids;
    }

    /** The farm as callers last asked for it: pending over in flight over committed. */
    Optional<FarmEntry> desired(String name) {
        FarmUpdate u = pending.get(name);
        if (u == null) {
            u = inflight.get(name);
        }
        return u != null ? u.entry() : Optional.ofNullable(committed.get(name));
    }

    /** Whether a change of this farm is queued or being committed. */
    boolean underWay(String name) {
        return pending.containsKey(name) || inflight.containsKey(name);
    }

    /** The farms the kernel has, in the order they were first committed (read-only). */
    Map<String, FarmEntry> committed() {
        return Collections.unmodifiableMap(committed);
    }

    /** The farms the commit under way changes (read-only). */
    Map<String, FarmUpdate> inflight() {
        return Collections.unmodifiableMap(inflight);
    }

    /**
     * Puts {@code update} in the pending layer.
     *
     * @return what it replaced there (empty: the farm was not pending), to give to {@link #unqueue}
     */
    Optional<FarmUpdate> queue(String name, FarmUpdate update) {
        update.entry().ifPresent(e -> ids.hold(e.ids().farmId()));
        FarmUpdate replaced = pending.put(name, update);
        release(replaced);
        return Optional.ofNullable(replaced);
    }

    /** Takes back a {@link #queue}: the pending layer has {@code previous} for the farm again. */
    void unqueue(String name, Optional<FarmUpdate> previous) {
        FarmUpdate taken = previous.isPresent() ? pending.put(name, previous.get()) : pending.remove(name);
        previous.flatMap(FarmUpdate::entry).ifPresent(e -> ids.hold(e.ids().farmId()));
        release(taken);
    }

    /** Whether anything is pending. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Moves the pending layer under the commit about to be made, and returns it. */
    Map<String, FarmUpdate> startBatch() {
        inflight = pending;
        pending = new LinkedHashMap<>();
        return Collections.unmodifiableMap(inflight);
    }

    /**
     * The commit under way is in the kernel: its farms become the committed ones.
     *
     * @param each told each farm's committed entry before (null if none) and its update
     */
    void finish(BiConsumer<FarmEntry, FarmUpdate> each) {
        inflight.forEach((name, update) -> {
            update.entry().ifPresent(e -> ids.hold(e.ids().farmId()));
            FarmEntry before = update.entry().isPresent() ? committed.put(name, update.entry().get())
                    : committed.remove(name);
            if (before != null) {
                ids.drop(before.ids().farmId());
            }
            each.accept(before, update);
        });
        inflight.values().forEach(this::release);
        inflight = new LinkedHashMap<>();
    }

    /**
     * The commit under way did not reach the kernel: the in-flight and pending layers are
     * dropped, so the desired farms are the committed ones again.
     *
     * @return the farms they touched, each with its desired entry before the drop
     */
    Map<String, Optional<FarmEntry>> abort() {
        Set<String> names = new LinkedHashSet<>(inflight.keySet());
        names.addAll(pending.keySet());
        Map<String, Optional<FarmEntry>> touched = new LinkedHashMap<>();
        names.forEach(name -> touched.put(name, desired(name)));
        List<FarmUpdate> dropped = new ArrayList<>(inflight.values());
        dropped.addAll(pending.values());
        dropped.forEach(this::release);
        inflight = new LinkedHashMap<>();
        pending = new LinkedHashMap<>();
        return touched;
    }

    private void release(FarmUpdate update) {
        if (update != null) {
            update.entry().ifPresent(e -> ids.drop(e.ids().farmId()));
        }
    }
}
