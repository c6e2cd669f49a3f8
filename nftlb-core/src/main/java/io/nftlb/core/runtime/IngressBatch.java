package io.nftlb.core.runtime;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.TablePlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The netdev table's share of one transaction. A batch made only of network additions and
 * removals is element operations on the policies' member sets, built from the networks given
 * (its cost follows them, not the networks held). Anything else compiles the table before and
 * after ({@link IngressCompiler}, each DSR or stateless dNAT farm's slots placed by its farm id)
 * and diffs them ({@link TablePlanner}): element operations when only elements differ (a weight
 * or state change, a farm a policy covers coming or going), else the table replaced atomically.
 *
 * <p>The farm lists are taken only when the table is compiled, i.e. when the batch touches the
 * netdev table's farms or policies; otherwise a batch costs nothing here.
 */
final class IngressBatch {

    private final List<Edit.OfIngress> edits;
    private final IngressWanted before;
    private final IngressWanted after;
    private final List<FarmEntry> farmsBefore;
    private final List<FarmEntry> farmsAfter;
    private final boolean compile;
    private final boolean tableBefore;
    private boolean tableAfter;

    /**
     * @param compile whether to compile (else the changes are all network additions and removals)
     * @param tableBefore whether the kernel has the load balancer's netdev table now
     */
    IngressBatch(List<Edit.OfIngress> edits, IngressWanted before, IngressWanted after, List<FarmEntry> farmsBefore,
                 List<FarmEntry> farmsAfter, boolean compile, boolean tableBefore) {
        this.edits = List.copyOf(edits);
        this.before = before;
        this.after = after;
        this.farmsBefore = farmsBefore;
        this.farmsAfter = farmsAfter;
        this.compile = compile;
        this.tableBefore = tableBefore;
        this.tableAfter = tableBefore;
    }

    IngressWanted after() {
        return after;
    }

    /** Whether the kernel has the netdev table once this batch's {@link #ops()} are committed. */
    boolean tableAfter() {
        return tableAfter;
    }

    /**
     * The operations on the netdev table (none while nothing ever needed it: the load balancer
     * leaves a netdev table it did not make alone until then).
     *
     * @throws IllegalArgumentException if the table does not compile (e.g. a backend service
     *     claimed by two stateless dNAT farms); nothing reached the kernel then
     */
    List<Op> ops() {
        if (!compile) {
            return memberOps();
        }
        Table desired = table(after, farmsAfter);
        if (!tableBefore && desired.sets().isEmpty() && desired.chains().isEmpty()) {
            return List.of();
        }
        Optional<Table> current = tableBefore ? Optional.of(table(before, farmsBefore)) : Optional.empty();
        tableAfter = true;
        return TablePlanner.diff(current, desired).ops();
    }

    /**
     * The inet table's transaction followed by {@link #ops()}: one atomic transaction (the two
     * tables refer to nothing of each other, so their order does not matter).
     */
    Transaction joinedTo(Transaction inet) {
        List<Op> netdev = ops();
        if (netdev.isEmpty()) {
            return inet;
        }
        List<Op> all = new ArrayList<>(inet.ops().size() + netdev.size());
        all.addAll(inet.ops());
        all.addAll(netdev);
        return new Transaction(all, inet.expectedGeneration());
    }

    /** The netdev table once the batch is committed (only for a batch that compiles it: start-up, and any but network changes). */
    Table desiredTable() {
        return table(after, farmsAfter);
    }

    private List<Op> memberOps() {
        List<Op> ops = new ArrayList<>();
        for (Edit.OfIngress e : edits) {
            Edit.Members m = e.members().orElseThrow();
            for (boolean v6 : List.of(false, true)) {
                List<Element> elements = PolicyCompiler.members(m.networks(), v6);
                if (!elements.isEmpty()) {
                    String set = PolicyCompiler.membersSet(m.policy(), v6);
                    ops.add(m.add() ? new Op.AddElements(PolicyCompiler.TABLE, set, elements)
                            : new Op.DeleteElements(PolicyCompiler.TABLE, set, elements));
                }
            }
        }
        return ops;
    }

    /** The netdev table for these policies and paths over these farms (in the inet table's order). */
    static Table table(IngressWanted wanted, List<FarmEntry> farms) {
        List<Farm> all = new ArrayList<>(farms.size());
        List<DsrPath> paths = new ArrayList<>();
        Map<String, Integer> firstSlots = new HashMap<>();
        for (FarmEntry e : farms) {
            all.add(e.farm());
            if (e.atIngress()) {
                paths.add(wanted.paths().get(e.name()));
                firstSlots.put(e.name(), firstSlot(e));
            }
        }
        return IngressCompiler.compile(List.copyOf(wanted.policies().values()), all, paths, firstSlots::get);
    }

    /** Where an ingress farm's slice of the slot maps starts: by its farm id, which it keeps for life. */
    static int firstSlot(FarmEntry e) {
        return e.ids().farmId() * IngressCompiler.SLOTS;
    }
}
