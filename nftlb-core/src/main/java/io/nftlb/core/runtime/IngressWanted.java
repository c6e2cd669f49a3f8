package io.nftlb.core.runtime;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Policy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the netdev table holds besides farms: the policies (in the order they were first
 * applied, which orders their rules) and the link-layer paths of DSR and stateless dNAT farms.
 * Immutable: each edit makes a new one, so a batch can keep the one it commits.
 */
record IngressWanted(Map<String, Policy> policies, Map<String, DsrPath> paths) {

    static final IngressWanted NONE = new IngressWanted(Map.of(), Map.of());

    IngressWanted {
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
    }

    IngressWanted withPolicies(Consumer<Map<String, Policy>> edit) {
        Map<String, Policy> next = new LinkedHashMap<>(policies);
        edit.accept(next);
        return new IngressWanted(next, paths);
    }

    IngressWanted withPath(DsrPath path) {
        Map<String, DsrPath> next = new LinkedHashMap<>(paths);
        next.put(path.farm(), path);
        return new IngressWanted(policies, next);
    }
}
