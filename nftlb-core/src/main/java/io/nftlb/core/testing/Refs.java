package io.nftlb.core.testing;

import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What an AST node refers to by name: sets, chains and flowtables. Walks records generically, so
 * new node kinds are covered.
 */
final class Refs {

    private Refs() {}

    /** Names of the sets a rule (or any node) uses: {@code @name} lookups and dynamic set updates. */
    static Set<String> sets(Object node) {
        Set<String> names = new HashSet<>();
        walk(node, n -> {
            if (n instanceof Expr.SetRef r) {
                names.add(r.name());
            } else if (n instanceof Stmt.SetUpdate u) {
                names.add(u.set());
            }
        });
        return names;
    }

    /** Names of the chains a node jumps or goes to. */
    static Set<String> chains(Object node) {
        Set<String> names = new HashSet<>();
        walk(node, n -> {
            if (n instanceof Verdict v) {
                v.chain().ifPresent(names::add);
            }
        });
        return names;
    }

    /** Names of the flowtables a node adds flows to. */
    static Set<String> flowtables(Object node) {
        Set<String> names = new HashSet<>();
        walk(node, n -> {
            if (n instanceof Stmt.FlowOffload f) {
                names.add(f.flowtable());
            }
        });
        return names;
    }

    private static void walk(Object node, Consumer<Object> visit) {
        if (node == null) {
            return;
        }
        visit.accept(node);
        switch (node) {
            case Collection<?> c -> c.forEach(x -> walk(x, visit));
            case Map<?, ?> m -> m.values().forEach(x -> walk(x, visit));
            case Optional<?> o -> o.ifPresent(x -> walk(x, visit));
            case Record r -> {
                for (RecordComponent rc : r.getClass().getRecordComponents()) {
                    try {
                        rc.getAccessor().setAccessible(true);
                        walk(rc.getAccessor().invoke(r), visit);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            default -> { }
        }
    }
}
