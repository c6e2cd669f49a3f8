package io.nftlb.core.runtime;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.internal.plan.FarmChange;
import io.nftlb.core.internal.plan.Skeleton;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the load balancer serves, and where each change to it stands. The desired state is one
 * value in two parts: the farms ({@link FarmLayers}: committed, in flight and pending, kept per
 * farm and compiled once when a farm changes, so that a change costs in proportion to the farms
 * it touches) and the policies and paths ({@link Ingress}). Every change, of either part, goes
 * through the same steps: {@link #submit} applies its edit to the desired state in the caller's
 * thread and queues it; {@link #startBatch} takes everything queued into one batch;
 * {@link #finish} records the batch as the kernel's, or {@link #abort} falls back to what the
 * kernel has and applies the changes queued since again.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class State {

    private final IdAllocator ids = new IdAllocator();
    private final FarmLayers farms = new FarmLayers(ids);
    private final Ingress ingress = new Ingress();
    private final ServiceIndex services = new ServiceIndex();
    private final ShardMembers shards = new ShardMembers();
    private final Features features = new Features();
    private Skeleton skeleton = features.empty();
    private List<Change> queue = new ArrayList<>();

    /** Starts from the ids the kernel's tables already use; before the first change is submitted. */
    void recover(BackendIdentity.Recovered found) {
        ids.recover(found);
    }

    /** Start-up is committed: ids recovered for farms it did not keep are free again. */
    void endRecovery() {
        ids.endRecovery();
    }

    /** The skeleton the kernel has. */
    Skeleton skeleton() {
        return skeleton;
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /**
     * Applies the edits of a group of changes in order, each on top of the ones before it, and
     * queues them together, so that they go to the kernel in the same batch. If one is invalid
     * it throws, and the state is as it was before the group: none of them is queued.
     *
     * @return how many were queued (changes that change nothing, with nothing about them under
     *     way, are not)
     */
    int submit(List<Change> group) {
        List<Runnable> undo = new ArrayList<>();
        Ingress.Mark ingressMark = ingress.mark();
        int queued = 0;
        try {
            for (Change c : group) {
                boolean changed = switch (c.edit()) {
                    case Edit.OfFarm f -> submitFarm(f, undo);
                    case Edit.OfIngress i -> submitIngress(i);
                };
                if (changed) {
                    queue.add(c);
                    undo.add(() -> queue.removeLast());
                    queued++;
                }
            }
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            ingress.rollback(ingressMark);
            throw e;
        }
        return queued;
    }

    /** Applies a farm's edit, recording in {@code undo} how to take back each step it took. */
    private boolean submitFarm(Edit.OfFarm edit, List<Runnable> undo) {
        String name = edit.farm();
        Optional<FarmEntry> current = farms.desired(name);
        Optional<Farm> next = edit.edit().apply(current.map(FarmEntry::farm));
        if (!farms.underWay(name) && next.equals(current.map(FarmEntry::farm))) {
            return false;
        }
        FarmUpdate update = FarmUpdate.of(prepare(name, current, next));
        Optional<FarmUpdate> replaced = farms.queue(name, update);
        undo.add(() -> farms.unqueue(name, replaced));
        services.replace(current.map(FarmEntry::farm), next);
        undo.add(() -> services.replace(next, current.map(FarmEntry::farm)));
        return true;
    }

    /** Compiles a farm's new version, reusing the current entry if the farm did not change. */
    private Optional<FarmEntry> prepare(String name, Optional<FarmEntry> current, Optional<Farm> next) {
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Farm farm = next.get();
        if (!farm.name().equals(name)) {
            throw new IllegalArgumentException("farm \"" + name + "\" cannot be renamed to \"" + farm.name() + "\"");
        }
        if (current.isPresent() && current.get().farm().equals(farm)) {
            return current;
        }
        if (current.isEmpty() || !ServiceIndex.sameServices(current.get().farm(), farm)) {
            services.check(farm);
        }
        Ids farmIds = ids.assign(farm, current.map(FarmEntry::ids));
        if (farm.forwarding().servedAtIngress()) {
            checkAtIngress(farm, ingress.desired());
            return Optional.of(new FarmEntry(farm, farmIds, null, Set.of()));
        }
        FarmPart part = FarmParts.compile(farm, farmIds);
        return Optional.of(new FarmEntry(farm, farmIds, part, FarmParts.optionalSets(farm)));
    }

    /** Applies an edit of the policies and paths (undone by the group's {@link Ingress.Mark}). */
    private boolean submitIngress(Edit.OfIngress edit) {
        IngressWanted next = edit.edit().apply(ingress.desired());
        edit.pathOf().flatMap(farms::desired).filter(FarmEntry::atIngress)
                .ifPresent(e -> checkAtIngress(e.farm(), next));
        return ingress.submit(next);
    }

    /** Checks that a DSR or stateless dNAT farm compiles alone with its path (MACs, devices, what it asks for). */
    private static void checkAtIngress(Farm farm, IngressWanted wanted) {
        var path = wanted.paths().get(farm.name());
        if (path == null) {
            throw new InvalidFarmException("farm \"" + farm.name() + "\": a " + farm.forwarding().keyword()
                    + " farm needs a DsrPath (devices and MACs): give it with LoadBalancer.setPath first");
        }
        IngressCompiler.compile(List.of(), List.of(farm), List.of(path));
    }

    /** Moves everything queued into a batch for the kernel. */
    Batch startBatch() {
        List<Change> changes = queue;
        queue = new ArrayList<>();
        Map<String, FarmUpdate> inflight = farms.startBatch();
        Map<String, FarmEntry> committed = farms.committed();
        List<FarmChange> farmChanges = new ArrayList<>();
        inflight.forEach((name, after) -> {
            Optional<FarmPart> before = Optional.ofNullable(committed.get(name)).map(FarmEntry::part);
            Optional<FarmPart> now = after.entry().map(FarmEntry::part);
            boolean same = before.isPresent() ? now.isPresent() && before.get() == now.get() : now.isEmpty();
            if (!same) {
                farmChanges.add(new FarmChange(name, before, now));
            }
        });
        List<Edit.OfIngress> ingressEdits = changes.stream().map(Change::edit)
                .filter(Edit.OfIngress.class::isInstance).map(Edit.OfIngress.class::cast).toList();
        IngressBatch ingressBatch = ingress.startBatch(ingressEdits, ingressTouched(inflight),
                this::committedEntries, this::entriesAfter);
        Skeleton after = features.after(inflight, committed);
        // A change of the table's shape that cannot be planned by parts (a set declared anew, a
        // flowtable's priority) replaces the table, beside a stand-in: the whole table once this batch is in.
        Optional<Table> replacement = SkeletonPlanner.incompatibility(skeleton, after).map(why -> after.table(
                entriesAfter().stream().map(FarmEntry::part).filter(Objects::nonNull).toList()));
        return new Batch(changes, inflight, farmChanges, skeleton, after, replacement, ingressBatch,
                shards.after(inflight, committed));
    }

    /** Whether the farm changes under way change the netdev table: ingress farms, or services policies cover. */
    private boolean ingressTouched(Map<String, FarmUpdate> inflight) {
        boolean policies = ingress.hasPolicies();
        for (Map.Entry<String, FarmUpdate> e : inflight.entrySet()) {
            FarmEntry before = farms.committed().get(e.getKey());
            Optional<FarmEntry> after = e.getValue().entry();
            if ((before != null && before.atIngress()) || after.map(FarmEntry::atIngress).orElse(false)) {
                return true;
            }
            if (policies && (before == null || after.isEmpty()
                    || !ServiceIndex.sameServices(before.farm(), after.get().farm()))) {
                return true;
            }
        }
        return false;
    }

    /** The batch is in the kernel. */
    void finish(Batch batch) {
        farms.finish((before, after) -> {
            features.committed(before, after.entry());
            shards.committed(before == null ? null : before.part(), after.entry().map(FarmEntry::part).orElse(null));
        });
        skeleton = batch.after();
        ingress.finish(batch.ingress());
    }

    /** A change that could not be applied again after a failed commit, and why. */
    record Dropped(Change change, RuntimeException error) {}

    /**
     * The batch did not reach the kernel: the desired state falls back to what the kernel has,
     * and the changes queued since are applied again on top of it, group by group (a group that
     * no longer applies is dropped whole, e.g. a weight change for a farm whose creation failed).
     *
     * @param done receives a change of each replayed group that turned out to change nothing
     * @return the dropped changes, one per group
     */
    List<Dropped> abort(List<Change> done) {
        farms.abort().forEach((name, desired) ->
                services.replace(desired.map(FarmEntry::farm), committedFarm(name)));
        ingress.abort();
        List<Change> replay = queue;
        queue = new ArrayList<>();
        List<Dropped> dropped = new ArrayList<>();
        for (int i = 0, j; i < replay.size(); i = j) {
            // A group (changes sharing their future) is applied again as one, or dropped as one.
            for (j = i + 1; j < replay.size() && replay.get(j).done() == replay.get(i).done(); j++) {
                // finds the group's end
            }
            List<Change> group = replay.subList(i, j);
            try {
                if (submit(group) == 0) {
                    done.add(group.get(0));
                }
            } catch (RuntimeException e) {
                dropped.add(new Dropped(group.get(0), e));
            }
        }
        return dropped;
    }

    // What the kernel has, for the load balancer's readers.

    /** The farms the kernel has, in the order they were first committed. */
    List<Farm> committedFarms() {
        return farms.committed().values().stream().map(FarmEntry::farm).toList();
    }

    Optional<Farm> committedFarm(String name) {
        return Optional.ofNullable(farms.committed().get(name)).map(FarmEntry::farm);
    }

    /** The ids a committed farm is known by in the data path. */
    Optional<Ids> committedIds(String name) {
        return Optional.ofNullable(farms.committed().get(name)).map(FarmEntry::ids);
    }

    /** The explain text of a committed farm, from its committed ids and part. */
    Optional<String> explain(String name) {
        return Optional.ofNullable(farms.committed().get(name)).map(e -> e.atIngress()
                ? IngressCompiler.explain(e.farm(), ingress.committed().paths().get(name), IngressBatch.firstSlot(e))
                : FarmParts.explain(e.farm(), e.ids(), e.part()));
    }

    /** The committed link layer of a DSR or stateless dNAT farm. */
    Optional<DsrPath> committedPath(String farm) {
        return Optional.ofNullable(ingress.committed().paths().get(farm));
    }

    /** The policies the kernel has, in the order they were first applied. */
    List<Policy> committedPolicies() {
        return List.copyOf(ingress.committed().policies().values());
    }

    /** For people: what the data path does with a committed policy. */
    Optional<String> explainPolicy(String name) {
        return Optional.ofNullable(ingress.committed().policies().get(name))
                .map(p -> PolicyCompiler.explain(p, committedFarms()));
    }

    /** The whole inet table the kernel has (what a drift check compares with, and a repair puts back). */
    Table committedTable() {
        return skeleton.table(farms.committed().values().stream().map(FarmEntry::part).filter(Objects::nonNull)
                .toList());
    }

    /**
     * Every table the load balancer made, as the kernel has them: the inet table, and the netdev
     * table of policies and ingress farms once there is one. A drift check compares them all.
     */
    List<Table> committedTables() {
        if (!ingress.hasTable()) {
            return List.of(committedTable());
        }
        return List.of(committedTable(), IngressBatch.table(ingress.committed(), committedEntries()));
    }

    /** The farm ids held by entries of any layer (for tests). */
    Set<Integer> heldFarmIds() {
        return ids.heldIds();
    }

    /** The farms the kernel has, as entries (see {@link LeavingMarks}). */
    Map<String, FarmEntry> committedEntryMap() {
        return farms.committed();
    }

    private List<FarmEntry> committedEntries() {
        return List.copyOf(farms.committed().values());
    }

    /** The farms once the commit under way is in, in the kernel's order (new ones last). */
    private List<FarmEntry> entriesAfter() {
        Map<String, FarmEntry> after = new LinkedHashMap<>(farms.committed());
        farms.inflight().forEach((name, update) -> {
            if (update.entry().isPresent()) {
                after.put(name, update.entry().get());
            } else {
                after.remove(name);
            }
        });
        return List.copyOf(after.values());
    }
}
