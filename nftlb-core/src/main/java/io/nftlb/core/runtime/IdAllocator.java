package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.RulesetCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Numbers farms and backends one farm at a time, with the rules of
 * {@link io.nftlb.core.compile.Allocation}, which would renumber every farm on each change: a
 * farm keeps its id and a backend its conntrack mark for as long as they exist, and a mark is
 * never handed out twice (connections still in conntrack carry it).
 *
 * <p>Unlike marks, farm ids are reused once no farm has one any more: an id only places the
 * farm's slice of the scheduling map, which nothing outside the ruleset remembers. Without
 * reuse, a long-running process that keeps adding and removing farms would run out of ids
 * (about 214,000: the slices must fit in 32 bits).
 *
 * <p>A farm id's lifecycle is explicit: {@link #assign} names the id a farm will have (its own,
 * or the lowest free one) without taking it; each copy of the farm's entry that enters one of the
 * runtime's layers (committed, in flight, pending) {@link #hold}s it, and {@link #drop}s it when
 * it leaves; the id is free again when nothing holds it. Ids recovered from the kernel are held
 * until start-up is over ({@link #endRecovery}), so that no new farm takes one meanwhile.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class IdAllocator {

    private static final long MAX_FARM_ID = 0xffff_ffffL / RulesetCompiler.SLOTS_PER_FARM - 1;

    private final TreeSet<Integer> free = new TreeSet<>(); // below nextFarmId, held by nothing
    private final Map<Integer, Integer> holders = new HashMap<>();
    private int nextFarmId;
    private long nextMark = FarmParts.FIRST_MARK;
    /** Ids a farm had in the kernel before this process started, until the farm is first assigned. */
    private final Map<String, Ids> recovered = new HashMap<>();
    private final List<Integer> recoveredHolds = new ArrayList<>();

    /**
     * Starts from the ids the kernel's table already uses (see {@link BackendIdentity}): a farm
     * found there gets its id and its backends their marks back when first assigned, the ids of
     * those farms are not handed to others until {@link #endRecovery}, and new marks come after
     * every mark the table holds. Called once, before anything is assigned.
     */
    void recover(BackendIdentity.Recovered found) {
        recovered.putAll(found.farms());
        found.farms().values().forEach(ids -> {
            hold(ids.farmId());
            recoveredHolds.add(ids.farmId());
        });
        nextMark = Math.max(nextMark, found.highestMark() + 1);
    }

    /** Start-up is committed: recovered ids stay taken only while a farm's entry holds them. */
    void endRecovery() {
        recoveredHolds.forEach(this::drop);
        recoveredHolds.clear();
        recovered.clear();
    }

    /**
     * The ids of {@code farm}: those of {@code previous} (or, for a farm this process has not
     * assigned yet, those recovered from the kernel) for what it still has, fresh ones for the
     * rest. A fresh farm id is taken only when an entry carrying it is {@link #hold held}; marks
     * are taken at once (they are never reused).
     */
    Ids assign(Farm farm, Optional<Ids> previous) {
        if (previous.isEmpty()) {
            previous = Optional.ofNullable(recovered.remove(farm.name()));
        }
        int farmId = previous.map(Ids::farmId).orElseGet(this::lowestFreeFarmId);
        Map<String, Long> marks = new HashMap<>();
        for (Backend b : farm.backends()) {
            Long m = previous.map(p -> p.marks().get(b.name())).orElse(null);
            marks.put(b.name(), m != null ? m : newMark());
        }
        return new Ids(farmId, marks);
    }

    /** An entry carrying {@code farmId} entered a layer. */
    void hold(int farmId) {
        if (holders.merge(farmId, 1, Integer::sum) == 1) {
            free.remove(farmId);
            for (; nextFarmId <= farmId; nextFarmId++) {
                if (nextFarmId < farmId) {
                    free.add(nextFarmId);
                }
            }
        }
    }

    /** An entry carrying {@code farmId} left a layer. */
    void drop(int farmId) {
        int left = holders.merge(farmId, -1, Integer::sum);
        if (left < 0) {
            throw new IllegalStateException("farm id " + farmId + " dropped more often than held");
        }
        if (left == 0) {
            holders.remove(farmId);
            free.add(farmId);
        }
    }

    /** Whether an entry holds {@code farmId} (for tests). */
    boolean held(int farmId) {
        return holders.containsKey(farmId);
    }

    /** The farm ids entries hold (for tests). */
    Set<Integer> heldIds() {
        return Set.copyOf(holders.keySet());
    }

    private int lowestFreeFarmId() {
        if (!free.isEmpty()) {
            return free.first();
        }
        if (nextFarmId > MAX_FARM_ID) {
            throw new IllegalStateException("farm ids exhausted: " + nextFarmId + " farms at once");
        }
        return nextFarmId;
    }

    private long newMark() {
        if (nextMark >= FarmParts.MARK_LIMIT) {
            throw new IllegalStateException("conntrack marks exhausted at 0x" + Long.toHexString(nextMark));
        }
        return nextMark++;
    }
}
