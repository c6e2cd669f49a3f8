package io.nftlb.core.ast;

import java.util.List;

/** The whole of what the library installs: its tables. */
public record Ruleset(List<Table> tables) {

    public Ruleset {
        tables = List.copyOf(tables);
    }

    public static Ruleset of(Table... tables) {
        return new Ruleset(List.of(tables));
    }
}
