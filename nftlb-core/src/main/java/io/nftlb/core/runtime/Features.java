package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.plan.Skeleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which committed farms need each optional set, and the {@link Skeleton} that follows. The
 * compiler declares an optional set when at least one farm needs it, so the skeleton depends
 * only on which optional sets are needed, not on the farms: it is compiled once per such
 * combination (from one farm per set, the "witnesses") and cached. A change then costs in
 * proportion to the farms it touches.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class Features {

    /** Optional set name to the committed farms that need it. */
    private final Map<String, Set<String>> holders = new HashMap<>();
    private final Map<Set<String>, Skeleton> skeletons = new HashMap<>();

    /** The skeleton with no farms (the start). */
    Skeleton empty() {
        return skeleton(Set.of(), Map.of());
    }

    /**
     * The skeleton once {@code batch} (farm name to new entry, empty for removed) is applied
     * over {@code committed}.
     */
    Skeleton after(Map<String, Optional<FarmEntry>> batch, Map<String, FarmEntry> committed) {
        Map<String, Integer> counts = new HashMap<>();
        holders.forEach((f, names) -> counts.put(f, names.size()));
        Map<String, Farm> witnesses = new LinkedHashMap<>();
        batch.forEach((name, after) -> {
            FarmEntry before = committed.get(name);
            if (before != null) {
                before.features().forEach(f -> counts.merge(f, -1, Integer::sum));
            }
            after.ifPresent(e -> e.features().forEach(f -> {
                counts.merge(f, 1, Integer::sum);
                witnesses.putIfAbsent(f, e.farm());
            }));
        });
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
            return Skeleton.of(RulesetCompiler.compile(new ArrayList<>(distinct.values())));
        });
    }

    /** Records that {@code before} (if any) became {@code after} (if any) in the kernel. */
    void committed(FarmEntry before, Optional<FarmEntry> after) {
        if (before != null) {
            for (String f : before.features()) {
                Set<String> names = holders.get(f);
                names.remove(before.name());
                if (names.isEmpty()) {
                    holders.remove(f);
                }
            }
        }
        after.ifPresent(e -> e.features().forEach(f -> holders.computeIfAbsent(f, k -> new LinkedHashSet<>())
                .add(e.name())));
    }
}
