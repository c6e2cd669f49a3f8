package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

/** Names a table: family and name, e.g. {@code inet nftlb}. */
public record TableRef(Family family, String name) {

    public TableRef {
        requireNonNull(family, "family");
        requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return family.keyword() + " " + name;
    }
}
