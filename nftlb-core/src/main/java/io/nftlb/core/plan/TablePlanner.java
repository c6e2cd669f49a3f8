package io.nftlb.core.plan;

import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import io.nftlb.core.transport.Op;
import io.nftlb.core.transport.TableRef;
import io.nftlb.core.transport.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plans a small table as a whole (the netdev policy table): when only set elements differ the
 * transaction is element operations only, so rules (and the packets they see) are untouched;
 * otherwise the table is replaced atomically with {@link Planner#create(Table)}.
 */
public final class TablePlanner {

    private TablePlanner() {}

    /** From {@code current} (nothing, or the table the kernel has) to {@code desired}. */
    public static Transaction diff(Optional<Table> current, Table desired) {
        if (current.isEmpty() || !sameShape(current.get(), desired)) {
            return Planner.create(desired);
        }
        TableRef ref = new TableRef(desired.family(), desired.name());
        Map<String, NamedSet> before = current.get().sets().stream()
                .collect(Collectors.toMap(NamedSet::name, Function.identity()));
        // Deletions first: an interval set refuses a new block that overlaps one still there.
        List<Op> deletes = new ArrayList<>();
        List<Op> adds = new ArrayList<>();
        for (NamedSet s : desired.sets()) {
            List<Element> gone = new ArrayList<>();
            List<Element> added = new ArrayList<>();
            ElementDiff.between(before.get(s.name()).elements(), s.elements(), gone::add, added::add);
            if (!gone.isEmpty()) {
                deletes.add(new Op.DeleteElements(ref, s.name(), gone));
            }
            if (!added.isEmpty()) {
                adds.add(new Op.AddElements(ref, s.name(), added));
            }
        }
        deletes.addAll(adds);
        return Transaction.of(deletes);
    }

    /** Same table, chains, rules and set declarations: only elements may differ. */
    static boolean sameShape(Table a, Table b) {
        return a.family() == b.family() && a.name().equals(b.name()) && a.chains().equals(b.chains())
                && a.objects().equals(b.objects()) && a.flowtables().equals(b.flowtables())
                && declarations(a).equals(declarations(b));
    }

    private static List<NamedSet> declarations(Table t) {
        return t.sets().stream().map(s -> s.withElements(List.of())).toList();
    }
}
