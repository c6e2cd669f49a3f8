package io.nftlb.core.internal.compile;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.IngressCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The farm ids of the ingress farms (DSR, stateless dNAT) of a netdev table this compiler made:
 * a farm's slice of the slot maps starts at {@code id * SLOTS}, and its scheduling rule, in its
 * own chain ({@code dsr-<farm>} or {@code sdnat-<farm>}), hashes into that slice with the slice's
 * start as the hash's offset. A control plane that starts again gives the farm the same id, so
 * its rule and its slot elements stay as the kernel has them.
 */
final class IngressIdentity {

    private static final List<String> PREFIXES = List.of("dsr-", "sdnat-");

    private IngressIdentity() {}

    /** Per farm name, the id its scheduling rule's offset says (farms whose rule has no hash are absent). */
    static Map<String, Integer> farmIds(Table netdev) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Chain c : netdev.chains()) {
            Optional<String> prefix = PREFIXES.stream().filter(c.name()::startsWith).findFirst();
            if (prefix.isEmpty()) {
                continue;
            }
            // A stateless farm's reply chain (sdnat-back-<farm>) hashes nothing, so it names no farm.
            hashOffset(c.rules()).filter(o -> o % IngressCompiler.SLOTS == 0)
                    .ifPresent(o -> ids.putIfAbsent(c.name().substring(prefix.get().length()),
                            (int) (o / IngressCompiler.SLOTS)));
        }
        return ids;
    }

    /** The offset of the first jhash or symhash in the rules, if any. */
    private static Optional<Long> hashOffset(List<Rule> rules) {
        for (Rule r : rules) {
            Optional<Long> o = find(r);
            if (o.isPresent()) {
                return o;
            }
        }
        return Optional.empty();
    }

    /** Searches a value of the AST (records, lists, optionals) for a hash expression, depth first. */
    private static Optional<Long> find(Object node) {
        if (node instanceof Expr.Jhash h) {
            return Optional.of(h.offset());
        }
        if (node instanceof Expr.Symhash h) {
            return Optional.of(h.offset());
        }
        if (node instanceof Collection<?> items) {
            for (Object item : items) {
                Optional<Long> o = find(item);
                if (o.isPresent()) {
                    return o;
                }
            }
            return Optional.empty();
        }
        if (node instanceof Optional<?> value) {
            return value.flatMap(IngressIdentity::find);
        }
        if (node instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Optional<Long> o;
                try {
                    o = find(component.getAccessor().invoke(record));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + component + " of " + record, e);
                }
                if (o.isPresent()) {
                    return o;
                }
            }
        }
        return Optional.empty();
    }
}
