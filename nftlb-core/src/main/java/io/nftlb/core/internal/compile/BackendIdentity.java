package io.nftlb.core.internal.compile;

import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.RulesetCompiler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a table this compiler made tells about the ids it was made with, so that a control plane
 * that starts again (a restart, an upgrade, another process) gives each farm and backend the
 * numbers the kernel already uses for them, and its first commit changes only what differs.
 * Live connections carry their backend's mark in conntrack; a backend that kept its mark keeps
 * its live connections counted, limited and flushed as its own.
 *
 * <ul>
 *   <li>A backend's mark: the element that says where the backend is ({@code dnat4},
 *       {@code dnat4p}, {@code dnat6}, {@code dnat6p}, {@code local}, {@code localp}) carries the
 *       comment {@code "<farm>/<backend>"} (names cannot hold a slash).</li>
 *   <li>A farm's id: where its marks sit in the scheduling maps: slot keys from
 *       {@code id * SLOTS_PER_FARM} in {@code sched<k>}, or from {@code id * 65,537} in the Maglev
 *       maps. A farm none of whose backends serves (so none is in a scheduling map) gets no id
 *       back; nothing is scheduled to it, so a new id costs no connection.</li>
 *   <li>The highest mark in any of those maps, so that a new backend never gets a mark that
 *       connections still in conntrack carry.</li>
 * </ul>
 *
 * <p>Farms at ingress (DSR, stateless dNAT) have no conntrack marks; their ids are read from the
 * netdev table instead ({@link #withIngress}).
 */
public final class BackendIdentity {

    private BackendIdentity() {}

    /** The comment of a backend's location element. */
    public static String comment(String farm, String backend) {
        return farm + "/" + backend;
    }

    /**
     * The ids recovered from a table.
     *
     * @param farms       per farm name, its id and the marks of the backends found (a farm whose id
     *                    could not be found is absent)
     * @param highestMark the highest backend mark the table holds, 0 if none
     */
    public record Recovered(Map<String, Ids> farms, long highestMark) {
        public Recovered {
            farms = Map.copyOf(farms);
        }

        /** Nothing to recover: no table, or one without farms. */
        public static Recovered none() {
            return new Recovered(Map.of(), 0);
        }

        /**
         * These ids and those of the ingress farms of {@code netdev} (the library's netdev table,
         * as read back): see {@link IngressIdentity}. A farm or an id found in the inet table wins.
         */
        public Recovered withIngress(Table netdev) {
            Map<String, Ids> all = new LinkedHashMap<>(farms);
            Set<Integer> taken = new HashSet<>();
            farms.values().forEach(ids -> taken.add(ids.farmId()));
            IngressIdentity.farmIds(netdev).forEach((farm, id) -> {
                if (!all.containsKey(farm) && taken.add(id)) {
                    all.put(farm, new Ids(id, Map.of()));
                }
            });
            return new Recovered(all, highestMark);
        }
    }

    /** Reads the ids of the farms and backends of {@code table} (the library's inet table, as read back). */
    public static Recovered recover(Table table) {
        Map<String, Map<String, Long>> marksByFarm = new LinkedHashMap<>();
        long highest = 0;
        Map<String, NamedSet> sets = new HashMap<>();
        table.sets().forEach(s -> sets.put(s.name(), s));
        for (String map : List.of(Layout.DNAT4, Layout.DNAT4_PORT, Layout.DNAT6, Layout.DNAT6_PORT, Layout.LOCAL,
                Layout.LOCAL_PORT)) {
            NamedSet set = sets.get(map);
            if (set == null) {
                continue;
            }
            for (Element e : set.elements()) {
                if (!(e.key() instanceof Expr.Int mark)) {
                    continue;
                }
                highest = Math.max(highest, mark.value());
                Optional<String[]> who = e.comment().map(c -> c.split("/", -1)).filter(p -> p.length == 2);
                who.ifPresent(p -> marksByFarm.computeIfAbsent(p[0], f -> new HashMap<>()).put(p[1], mark.value()));
            }
        }
        Map<Long, Integer> farmIdOfMark = new HashMap<>();
        for (int k = 0; k < Layout.SCHED_MAPS; k++) {
            index(sets.get(Layout.sched(k)), RulesetCompiler.SLOTS_PER_FARM, farmIdOfMark);
        }
        index(sets.get(Layout.MAGLEV4), Scheduler.Maglev.MAX_TABLE_SIZE, farmIdOfMark);
        index(sets.get(Layout.MAGLEV6), Scheduler.Maglev.MAX_TABLE_SIZE, farmIdOfMark);

        Map<String, Ids> farms = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        marksByFarm.forEach((farm, marks) -> marks.values().stream().map(farmIdOfMark::get)
                .filter(id -> id != null && !taken.contains(id)).findFirst().ifPresent(id -> {
                    taken.add(id);
                    farms.put(farm, new Ids(id, marks));
                }));
        return new Recovered(farms, highest);
    }

    /** Notes, for each mark in a scheduling map, the farm id of the slice its slot is in. */
    private static void index(NamedSet map, long slotsPerFarm, Map<Long, Integer> farmIdOfMark) {
        if (map == null) {
            return;
        }
        for (Element e : map.elements()) {
            Expr key = e.key() instanceof Expr.Range r ? r.low() : e.key();
            if (key instanceof Expr.Int slot && e.data().orElse(null) instanceof Expr.Int mark) {
                farmIdOfMark.putIfAbsent(mark.value(), (int) (slot.value() / slotsPerFarm));
            }
        }
    }
}
