package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.compile.SchedMaps;
import io.nftlb.core.internal.plan.Skeleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which committed farms need each optional set and each scheduling map, and the
 * {@link Skeleton} that follows. The compiler declares an optional set when at least one farm
 * needs it, so apart from the scheduling maps the skeleton depends only on which optional sets
 * are needed, not on the farms: that part is compiled once per such combination (from one farm
 * per set, the "witnesses") and cached, a bounded number of combinations. The scheduling maps
 * a table declares follow the farms' ids ({@link SchedMaps}): counted per map, added to the
 * cached part. A change then costs in proportion to the farms it touches, and a change that
 * leaves the skeleton as it was gets the same object back (which the planner compares first).
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class Features {

    /**
     * How many combinations of optional sets keep their compiled skeleton: a few are in use at
     * a time (each is the set of features some farms use), but helper and device names make the
     * possible combinations unbounded.
     */
    static final int CACHED_SKELETONS = 64;

    /** Optional set name to the committed farms that need it. */
    private final Map<String, Set<String>> holders = new HashMap<>();
    /** How many committed farms use each scheduling map, and the maps used (count above 0). */
    private final int[] schedUsers = new int[Layout.SCHED_MAPS];
    private SortedSet<Integer> committedSchedMaps = new TreeSet<>();
    private final Map<Set<String>, Skeleton> skeletons = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Set<String>, Skeleton> eldest) {
            return size() > CACHED_SKELETONS;
        }
    };
    /** The last skeleton returned, and what it was made of. */
    private Skeleton last;
    private Skeleton lastBase;
    private SortedSet<Integer> lastSchedMaps;

    /** The skeleton with no farms (the start). */
    Skeleton empty() {
        return withSchedMaps(skeleton(Set.of(), Map.of()), committedSchedMaps);
    }

    /**
     * The skeleton once {@code batch} (farm name to new entry, empty for removed) is applied
     * over {@code committed}.
     */
    Skeleton after(Map<String, FarmUpdate> batch, Map<String, FarmEntry> committed) {
        Map<String, Integer> counts = new HashMap<>();
        holders.forEach((f, names) -> counts.put(f, names.size()));
        Map<Integer, Integer> schedDelta = new HashMap<>();
        Map<String, Farm> witnesses = new LinkedHashMap<>();
        batch.forEach((name, after) -> {
            FarmEntry before = committed.get(name);
            if (before != null) {
                before.features().forEach(f -> counts.merge(f, -1, Integer::sum));
                schedMap(before).ifPresent(k -> schedDelta.merge(k, -1, Integer::sum));
            }
            after.entry().ifPresent(e -> {
                e.features().forEach(f -> {
                    counts.merge(f, 1, Integer::sum);
                    witnesses.putIfAbsent(f, e.farm());
                });
                schedMap(e).ifPresent(k -> schedDelta.merge(k, 1, Integer::sum));
            });
        });
        return withSchedMaps(base(counts, witnesses, batch, committed), schedMapsAfter(schedDelta));
    }

    /** The scheduling maps in use once the counts change by {@code delta}: the committed ones unless one empties or fills. */
    private SortedSet<Integer> schedMapsAfter(Map<Integer, Integer> delta) {
        SortedSet<Integer> after = null;
        for (Map.Entry<Integer, Integer> d : delta.entrySet()) {
            int k = d.getKey();
            boolean used = schedUsers[k] + d.getValue() > 0;
            if (used != committedSchedMaps.contains(k)) {
                if (after == null) {
                    after = new TreeSet<>(committedSchedMaps);
                }
                if (used) {
                    after.add(k);
                } else {
                    after.remove(k);
                }
            }
        }
        return after == null ? committedSchedMaps : after;
    }

    /** The skeleton without scheduling maps for the optional sets {@code counts} says are needed. */
    private Skeleton base(Map<String, Integer> counts, Map<String, Farm> witnesses,
            Map<String, FarmUpdate> batch, Map<String, FarmEntry> committed) {
        Set<String> needed = new HashSet<>();
        counts.forEach((f, n) -> {
            if (n > 0) {
                needed.add(f);
            }
        });
        Skeleton cached = skeletons.get(needed);
        if (cached != null) {
            return cached;
        }
        for (String f : needed) {
            if (!witnesses.containsKey(f)) {
                for (String name : holders.get(f)) {
                    if (!batch.containsKey(name)) {
                        witnesses.put(f, committed.get(name).farm());
                        break;
                    }
                }
            }
        }
        return skeleton(needed, witnesses);
    }

    private Skeleton skeleton(Set<String> needed, Map<String, Farm> witnesses) {
        return skeletons.computeIfAbsent(Set.copyOf(needed), k -> {
            Map<String, Farm> distinct = new LinkedHashMap<>();
            for (String f : k) {
                Farm w = witnesses.get(f);
                distinct.put(w.name(), w);
            }
            // The witnesses' own ids place scheduling maps that are not the runtime's: none here.
            return Skeleton.of(RulesetCompiler.compile(new ArrayList<>(distinct.values())))
                    .withSchedMaps(new TreeSet<>());
        });
    }

    /** {@code base} with {@code schedMaps}: the same object as last time if both are as they were. */
    private Skeleton withSchedMaps(Skeleton base, SortedSet<Integer> schedMaps) {
        if (base != lastBase || !schedMaps.equals(lastSchedMaps)) {
            last = base.withSchedMaps(schedMaps);
            lastBase = base;
        }
        // Kept even when only equal: the committed maps are the next change's, compared by identity then.
        lastSchedMaps = schedMaps;
        return last;
    }

    private static OptionalInt schedMap(FarmEntry entry) {
        return entry.atIngress() ? OptionalInt.empty() : SchedMaps.usedBy(entry.part());
    }

    /** Records that {@code before} (if any) became {@code after} (if any) in the kernel. */
    void committed(FarmEntry before, Optional<FarmEntry> after) {
        if (before != null) {
            schedMap(before).ifPresent(k -> count(k, -1));
            for (String f : before.features()) {
                Set<String> names = holders.get(f);
                names.remove(before.name());
                if (names.isEmpty()) {
                    holders.remove(f);
                }
            }
        }
        after.ifPresent(e -> {
            e.features().forEach(f -> holders.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(e.name()));
            schedMap(e).ifPresent(k -> count(k, 1));
        });
    }

    private void count(int schedMap, int delta) {
        boolean wasUsed = schedUsers[schedMap] > 0;
        schedUsers[schedMap] += delta;
        if (wasUsed != schedUsers[schedMap] > 0) {
            // A new set, not changed in place: skeletons hold the one they were made with.
            SortedSet<Integer> now = new TreeSet<>(committedSchedMaps);
            if (wasUsed) {
                now.remove(schedMap);
            } else {
                now.add(schedMap);
            }
            committedSchedMaps = now;
        }
    }
}
