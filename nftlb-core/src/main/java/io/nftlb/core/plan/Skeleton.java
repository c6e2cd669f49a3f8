package io.nftlb.core.plan;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.transport.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the data-path table that does not belong to any one farm: the set declarations
 * (without elements, which all come from farms) and the base chains. Together with the
 * {@link FarmPart}s it is the whole table ({@link #table}).
 *
 * <p>It depends only on which optional features the farms use, not on how many farms there
 * are, so it is small and changes rarely.
 *
 * @param table which table
 * @param sets the declarations in table order, each without elements
 * @param baseChains the chains that are not a farm's, with their rules
 * @param objects the stateful objects (conntrack helpers), which farms share
 * @param flowtables the flowtable of flow offload, if some farm offloads
 */
public record Skeleton(TableRef table, List<NamedSet> sets, List<Chain> baseChains, List<NamedObject> objects,
                       List<Flowtable> flowtables) {

    public Skeleton {
        requireNonNull(table, "table");
        sets = sets.stream().map(s -> s.elements().isEmpty() ? s : s.withElements(List.of())).toList();
        baseChains = List.copyOf(baseChains);
        objects = List.copyOf(objects);
        flowtables = List.copyOf(flowtables);
    }

    /** Without objects or flowtables. */
    public Skeleton(TableRef table, List<NamedSet> sets, List<Chain> baseChains) {
        this(table, sets, baseChains, List.of(), List.of());
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
}
