package io.nftlb.core.compile;

import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The session maps a kind of farm served at ingress declares ({@link DsrSessions},
 * {@link StatelessDnatSessions}): static sessions by client address and by client port, a
 * dynamic persistence map per key in use, and the set of serving backends, each for IPv4 and
 * IPv6 and only while a farm uses it. The kinds differ in what a map gives (a MAC, an address),
 * in names, and in how a serving backend is keyed.
 *
 * @param staticMap name of the static-session map by client address, per IP version
 * @param portMap name of the static-session map by client address and port, per IP version
 * @param persistenceMap name of the persistence map of a key, per IP version
 * @param servingSet name of the serving backends' set, per IP version
 * @param data what a map gives, per IP version
 * @param servingKey the serving set's key, per IP version
 * @param servingFlags the serving set's flags
 */
record IngressSessionMaps(Function<Boolean, String> staticMap, Function<Boolean, String> portMap,
                          BiFunction<Persistence.Key, Boolean, String> persistenceMap,
                          Function<Boolean, String> servingSet, Function<Boolean, Expr> data,
                          Function<Boolean, Expr> servingKey, Set<SetFlag> servingFlags) {

    /** Whether a farm pins or remembers clients (then its serving backends are listed). */
    static boolean sticky(Farm f) {
        return f.persistence().isPresent() || !f.staticSessions().isEmpty() || !f.portSessions().isEmpty();
    }

    /** The maps and serving sets {@code farms}' sessions need (none without any). */
    List<NamedSet> declarations(List<Farm> farms) {
        List<NamedSet> sets = new ArrayList<>();
        List<Boolean> versions = List.of(false, true);
        if (farms.stream().anyMatch(f -> !f.staticSessions().isEmpty())) {
            versions.forEach(v6 -> sets.add(NamedSet.map(staticMap.apply(v6), FarmCompiler.staticKey(v6),
                    data.apply(v6), Set.of(SetFlag.INTERVAL))));
        }
        if (farms.stream().anyMatch(f -> !f.portSessions().isEmpty())) {
            versions.forEach(v6 -> sets.add(NamedSet.map(portMap.apply(v6), FarmCompiler.staticPortKey(v6),
                    data.apply(v6), Set.of(SetFlag.INTERVAL))));
        }
        for (Persistence.Key key : Persistence.Key.values()) {
            if (farms.stream().anyMatch(f -> f.persistence().map(p -> p.key() == key).orElse(false))) {
                versions.forEach(v6 -> sets.add(NamedSet.map(persistenceMap.apply(key, v6),
                                FarmCompiler.persistenceKey(key, v6), data.apply(v6), Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT))
                        .withSize(RulesetCompiler.DEFAULT_PERSISTENCE_SIZE)));
            }
        }
        if (farms.stream().anyMatch(IngressSessionMaps::sticky)) {
            versions.forEach(v6 -> sets.add(NamedSet.set(servingSet.apply(v6), servingKey.apply(v6), servingFlags)));
        }
        return sets;
    }
}
