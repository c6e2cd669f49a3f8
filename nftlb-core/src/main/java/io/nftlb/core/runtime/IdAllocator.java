package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.RulesetCompiler;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Numbers farms and backends one farm at a time, with the rules of
 * {@link io.nftlb.core.compile.Allocation}, which would renumber every farm on each change: a
 * farm keeps its id and a backend its conntrack mark for as long as they exist, and a mark is
 * never handed out twice (connections still in conntrack carry it).
 *
 * <p>Unlike marks, farm ids are reused once the farm that had one is gone from the kernel: an
 * id only places the farm's slice of the scheduling map, which nothing outside the ruleset
 * remembers. Without reuse, a long-running process that keeps adding and removing farms would
 * run out of ids (about 214,000: the slices must fit in 32 bits).
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class IdAllocator {

    private static final long MAX_FARM_ID = 0xffff_ffffL / RulesetCompiler.SLOTS_PER_FARM - 1;

    private final TreeSet<Integer> free = new TreeSet<>();
    private int nextFarmId;
    private long nextMark = FarmParts.FIRST_MARK;
    /** Ids a farm had in the kernel before this process started, until the farm is first assigned. */
    private final Map<String, Ids> recovered = new HashMap<>();

    /**
     * Starts from the ids the kernel's table already uses (see {@link BackendIdentity}): a farm
     * found there gets its id and its backends their marks back when first assigned, the ids of
     * those farms are not handed to others, and new marks come after every mark the table holds.
     * Called once, before anything is assigned.
     */
    void recover(BackendIdentity.Recovered found) {
        recovered.putAll(found.farms());
        int highestId = found.farms().values().stream().mapToInt(Ids::farmId).max().orElse(-1);
        for (int id = nextFarmId; id <= highestId; id++) {
            free.add(id);
        }
        found.farms().values().forEach(ids -> free.remove(ids.farmId()));
        nextFarmId = Math.max(nextFarmId, highestId + 1);
        nextMark = Math.max(nextMark, found.highestMark() + 1);
    }

    /**
     * The ids of {@code farm}: those of {@code previous} (or, for a farm this process has not
     * assigned yet, those recovered from the kernel) for what it still has, fresh ones for the rest.
     */
    Ids assign(Farm farm, Optional<Ids> previous) {
        if (previous.isEmpty()) {
            previous = Optional.ofNullable(recovered.remove(farm.name()));
        }
        int farmId = previous.map(Ids::farmId).orElseGet(this::newFarmId);
        Map<String, Long> marks = new HashMap<>();
        for (Backend b : farm.backends()) {
            Long m = previous.map(p -> p.marks().get(b.name())).orElse(null);
            marks.put(b.name(), m != null ? m : newMark());
        }
        return new Ids(farmId, marks);
    }

    /** A farm id that no farm in the kernel or in a pending change uses any more. */
    void release(int farmId) {
        free.add(farmId);
    }

    /** Takes back a {@link #release}d id that turned out to be still in use (a group of changes undone). */
    void reclaim(int farmId) {
        free.remove(farmId);
    }

    private int newFarmId() {
        Integer reused = free.pollFirst();
        if (reused != null) {
            return reused;
        }
        if (nextFarmId > MAX_FARM_ID) {
            throw new IllegalStateException("farm ids exhausted: " + nextFarmId + " farms at once");
        }
        return nextFarmId++;
    }

    private long newMark() {
        if (nextMark >= FarmParts.MARK_LIMIT) {
            throw new IllegalStateException("conntrack marks exhausted at 0x" + Long.toHexString(nextMark));
        }
        return nextMark++;
    }
}
