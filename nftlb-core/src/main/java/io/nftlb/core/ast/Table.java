package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A table: the unit of ownership. The library owns its tables and touches no other. */
public record Table(Family family, String name, List<NamedSet> sets, List<NamedObject> objects,
                    List<Flowtable> flowtables, List<Chain> chains) {

    public Table {
        requireNonNull(family, "family");
        requireNonNull(name, "name");
        sets = List.copyOf(sets);
        objects = List.copyOf(objects);
        flowtables = List.copyOf(flowtables);
        chains = List.copyOf(chains);
    }

    public static Table of(Family family, String name, List<NamedSet> sets, List<Chain> chains) {
        return new Table(family, name, sets, List.of(), List.of(), chains);
    }

    /** The chain with this name, or throws. */
    public Chain chain(String chainName) {
        return chains.stream().filter(c -> c.name().equals(chainName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no chain " + chainName + " in table " + name));
    }

    /** The set with this name, or throws. */
    public NamedSet set(String setName) {
        return sets.stream().filter(s -> s.name().equals(setName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no set " + setName + " in table " + name));
    }
}
