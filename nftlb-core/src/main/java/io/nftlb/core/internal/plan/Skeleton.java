package io.nftlb.core.internal.plan;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.internal.compile.SchedMaps;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * The part of the data-path table that does not belong to any one farm: the set declarations
 * (without elements, which all come from farms) and the base chains. Together with the
 * {@link FarmPart}s it is the whole table ({@link #table}).
 *
 * <p>It depends only on which optional features the farms use and which scheduling maps
 * their ids fall in ({@link SchedMaps}), not on how many farms there are, so it is small and
 * changes rarely. A value: equal when its parts are. It indexes its sets by name once, since
 * every plan looks them up (up to a few hundred sets with all scheduling maps: building that
 * map for each one-element change was the largest part of planning it).
 */
public final class Skeleton {

    private final TableRef table;
    private final List<NamedSet> sets;
    private final List<Chain> baseChains;
    private final List<NamedObject> objects;
    private final List<Flowtable> flowtables;
    private final Map<String, Integer> setPositions;

    /**
     * @param table which table
     * @param sets the declarations in table order (their elements are dropped)
     * @param baseChains the chains that are not a farm's, with their rules
     * @param objects the stateful objects (conntrack helpers), which farms share
     * @param flowtables the flowtable of flow offload, if some farm offloads
     * @throws IllegalArgumentException if two sets have the same name
     */
    public Skeleton(TableRef table, List<NamedSet> sets, List<Chain> baseChains, List<NamedObject> objects,
                    List<Flowtable> flowtables) {
        this.table = requireNonNull(table, "table");
        this.sets = sets.stream().map(s -> s.elements().isEmpty() ? s : s.withElements(List.of())).toList();
        this.baseChains = List.copyOf(baseChains);
        this.objects = List.copyOf(objects);
        this.flowtables = List.copyOf(flowtables);
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < this.sets.size(); i++) {
            if (positions.put(this.sets.get(i).name(), i) != null) {
                throw new IllegalArgumentException("set " + this.sets.get(i).name() + " is declared twice");
            }
        }
        this.setPositions = Map.copyOf(positions);
    }

    /** Without objects or flowtables. */
    public Skeleton(TableRef table, List<NamedSet> sets, List<Chain> baseChains) {
        this(table, sets, baseChains, List.of(), List.of());
    }

    public TableRef table() {
        return table;
    }

    /** The set declarations in table order, each without elements. */
    public List<NamedSet> sets() {
        return sets;
    }

    public List<Chain> baseChains() {
        return baseChains;
    }

    public List<NamedObject> objects() {
        return objects;
    }

    public List<Flowtable> flowtables() {
        return flowtables;
    }

    /** The declaration of set {@code name}, if this skeleton has one. */
    Optional<NamedSet> set(String name) {
        Integer i = setPositions.get(name);
        return i == null ? Optional.empty() : Optional.of(sets.get(i));
    }

    boolean declares(String name) {
        return setPositions.containsKey(name);
    }

    /** Where set {@code name} is in table order; -1 if not declared here. */
    int position(String name) {
        return setPositions.getOrDefault(name, -1);
    }

    /**
     * This skeleton declaring exactly the scheduling maps {@code maps} and their lookup chains
     * ({@link SchedMaps}), after its other sets and base chains as the compiler places them.
     */
    public Skeleton withSchedMaps(SortedSet<Integer> maps) {
        List<NamedSet> s = new ArrayList<>(sets.size() + maps.size());
        sets.stream().filter(d -> !SchedMaps.isMap(d.name())).forEach(s::add);
        maps.forEach(k -> s.add(SchedMaps.map(k)));
        List<Chain> c = new ArrayList<>(baseChains.size() + maps.size());
        baseChains.stream().filter(d -> !SchedMaps.isLookupChain(d.name())).forEach(c::add);
        maps.forEach(k -> c.add(SchedMaps.lookupChain(k)));
        return new Skeleton(table, s, c, objects, flowtables);
    }

    /** The skeleton of a compiled ruleset (its one table): its sets emptied, and its chains that are no farm's. */
    public static Skeleton of(RulesetCompiler.Compiled compiled) {
        List<Table> tables = compiled.ruleset().tables();
        if (tables.size() != 1) {
            throw new IllegalArgumentException("a compiled ruleset has one table, not " + tables.size());
        }
        Table t = tables.get(0);
        Set<String> farmChains = new HashSet<>();
        compiled.parts().values().forEach(p -> farmChains.add(p.chain().name()));
        List<Chain> base = t.chains().stream().filter(c -> !farmChains.contains(c.name())).toList();
        return new Skeleton(new TableRef(t.family(), t.name()), t.sets(), base, t.objects(), t.flowtables());
    }

    /**
     * The whole table: these sets holding the farms' elements (in the order of {@code parts}),
     * the base chains, then the farms' chains ({@link FarmPart#chains}). This is what {@link RulesetCompiler} builds for
     * the same farms.
     *
     * @throws IllegalArgumentException if a part has elements of a set this skeleton does not declare
     */
    public Table table(Collection<FarmPart> parts) {
        Map<String, List<Element>> elements = new LinkedHashMap<>();
        sets.forEach(s -> elements.put(s.name(), new ArrayList<>()));
        List<Chain> chains = new ArrayList<>(baseChains);
        for (FarmPart p : parts) {
            p.elements().forEach((set, list) -> {
                List<Element> into = elements.get(set);
                if (into == null) {
                    throw new IllegalArgumentException("farm \"" + p.farm() + "\" has elements of set " + set
                            + ", which table " + table + " does not declare");
                }
                into.addAll(list);
            });
        }
        chains.addAll(FarmPart.chains(parts));
        List<NamedSet> filled = sets.stream().map(s -> s.withElements(elements.get(s.name()))).toList();
        return new Table(table.family(), table.name(), filled, objects, flowtables, chains);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Skeleton k && table.equals(k.table) && sets.equals(k.sets)
                && baseChains.equals(k.baseChains) && objects.equals(k.objects) && flowtables.equals(k.flowtables));
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(table, sets, baseChains, objects, flowtables);
    }

    @Override
    public String toString() {
        return "Skeleton[table=" + table + ", sets=" + sets + ", baseChains=" + baseChains + ", objects=" + objects
                + ", flowtables=" + flowtables + "]";
    }
}
