package io.nftlb.core.compile;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which farm ids and backend marks are taken. Ids stay with a farm and marks with a backend for
 * as long as they exist, so recompiling after a change touches only what changed and live
 * connections keep their marks. Freed numbers are not reused within one allocation's life, so
 * a new backend is never mistaken for a removed one by connections still in conntrack.
 *
 * <p>Immutable: {@link #assign} returns a new allocation.
 */
public final class Allocation {

    /** First conntrack mark handed out. */
    static final long FIRST_MARK = 1;
    /** Marks stay below this bit, which the library keeps for itself. */
    static final long MARK_LIMIT = 0x4000_0000L;

    private final Map<String, Ids> farms;
    private final int nextFarmId;
    private final long nextMark;

    private Allocation(Map<String, Ids> farms, int nextFarmId, long nextMark) {
        this.farms = farms;
        this.nextFarmId = nextFarmId;
        this.nextMark = nextMark;
    }

    /** Nothing allocated yet. */
    public static Allocation empty() {
        return new Allocation(Map.of(), 0, FIRST_MARK);
    }

    /** The ids of a farm, if it has some. */
    public Ids ids(String farm) {
        Ids ids = farms.get(farm);
        if (ids == null) {
            throw new IllegalStateException("no ids allocated for farm " + farm);
        }
        return ids;
    }

    /**
     * Keeps the ids of farms and backends that are still there, drops the others, and gives
     * new farms and backends fresh numbers, in the order given (so that the result is
     * deterministic).
     */
    public Allocation assign(List<Farm> desired) {
        Map<String, Ids> result = new LinkedHashMap<>();
        int farmId = nextFarmId;
        long mark = nextMark;
        for (Farm f : desired) {
            Ids old = farms.get(f.name());
            int id;
            if (old != null) {
                id = old.farmId();
            } else {
                id = farmId++;
                if ((long) (id + 1) * RulesetCompiler.SLOTS_PER_FARM > 0xffff_ffffL) {
                    throw new IllegalStateException("farm ids exhausted at " + id);
                }
            }
            Map<String, Long> marks = new HashMap<>();
            for (Backend b : f.backends()) {
                Long m = old == null ? null : old.marks().get(b.name());
                if (m == null) {
                    if (mark >= MARK_LIMIT) {
                        throw new IllegalStateException("conntrack marks exhausted at 0x" + Long.toHexString(mark));
                    }
                    m = mark++;
                }
                marks.put(b.name(), m);
            }
            result.put(f.name(), new Ids(id, marks));
        }
        return new Allocation(Map.copyOf(result), farmId, mark);
    }
}
