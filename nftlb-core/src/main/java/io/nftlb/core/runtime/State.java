package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.FarmPart;
import io.nftlb.core.compile.FarmParts;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.FarmChange;
import io.nftlb.core.internal.plan.Skeleton;
import io.nftlb.core.internal.plan.SkeletonPlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime's farms in three layers: what the kernel has ({@code committed}), what the
 * commit under way will give it ({@code inflight}), and what callers asked for since
 * ({@code pending}). The desired state is the three read top-down. Everything is kept per
 * farm, compiled once when the farm changes, so that a change costs in proportion to the farms
 * it touches, never to all of them.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class State {

    private final Map<String, FarmEntry> committed = new LinkedHashMap<>();
    private Map<String, Optional<FarmEntry>> inflight = new LinkedHashMap<>();
    private Map<String, Optional<FarmEntry>> pending = new LinkedHashMap<>();
    private List<Change> queue = new ArrayList<>();
    private final IdAllocator ids = new IdAllocator();
    private final ServiceIndex services = new ServiceIndex();
    private final ShardMembers shards = new ShardMembers();
    private final Features features = new Features();
    private Skeleton skeleton = features.empty();
    private final Ingress ingress = new Ingress();

    /** Starts from the ids the kernel's table already uses; before the first farm is submitted. */
    void recover(io.nftlb.core.internal.compile.BackendIdentity.Recovered found) {
        ids.recover(found);
    }

    /** The skeleton the kernel has. */
    Skeleton skeleton() {
        return skeleton;
    }

    boolean hasQueued() {
        return !queue.isEmpty() || ingress.hasQueued();
    }

    /** The farms the kernel has, in the order they were first committed. */
    List<Farm> committedFarms() {
        return committed.values().stream().map(FarmEntry::farm).toList();
    }

    Optional<Farm> committedFarm(String name) {
        return Optional.ofNullable(committed.get(name)).map(FarmEntry::farm);
    }

    /** The explain text of a committed farm, from its committed ids and part. */
    Optional<String> explain(String name) {
        return Optional.ofNullable(committed.get(name)).map(e -> e.atIngress()
                ? IngressCompiler.explain(e.farm(), ingress.committed().paths().get(name), IngressBatch.firstSlot(e))
                : io.nftlb.core.compile.FarmParts.explain(e.farm(), e.ids(), e.part()));
    }

    /** The ids a committed farm is known by in the data path (for tests). */
    Optional<Ids> committedIds(String name) {
        return Optional.ofNullable(committed.get(name)).map(FarmEntry::ids);
    }

    /**
     * Applies a caller's edit to the desired state and queues it for the next batch. If the
     * edit is invalid it throws, and nothing changes.
     *
     * @return false if the change changes nothing and nothing about its farm is under way, so
     *     the caller is done at once; the change is then not queued
     */
    boolean submit(Change change) {
        return submitGroup(List.of(change)) > 0;
    }

    /**
     * Applies the edits of a group of changes in order, each on top of the ones before it, and
     * queues them together, so that they go to the kernel in the same batch. If one is invalid
     * it throws, and the state is as it was before the group: none of them is queued.
     *
     * @return how many were queued (changes that change nothing are not)
     */
    int submitGroup(List<Change> group) {
        List<Runnable> undo = new ArrayList<>();
        int queued = 0;
        try {
            for (Change c : group) {
                if (submit(c, undo)) {
                    queued++;
                }
            }
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
        return queued;
    }

    /**
     * {@link #submitGroup(List)} after changes of the policies and paths, all queued for the
     * same batch; if one of either is invalid, it throws and none of them is queued.
     *
     * @return how many were queued
     */
    int submitGroup(List<Change> group, List<IngressChange> ingressGroup) {
        Ingress.Mark mark = ingress.mark();
        try {
            int queued = 0;
            for (IngressChange c : ingressGroup) {
                if (submitIngress(c)) {
                    queued++;
                }
            }
            return queued + submitGroup(group);
        } catch (RuntimeException | Error e) {
            ingress.rollback(mark);
            throw e;
        }
    }

    /** {@link #submit(Change)}, recording in {@code undo} how to take back each step it took. */
    private boolean submit(Change change, List<Runnable> undo) {
        String name = change.farm();
        Optional<FarmEntry> current = desired(name);
        Optional<Farm> next = change.edit().apply(current.map(FarmEntry::farm));
        boolean underWay = pending.containsKey(name) || inflight.containsKey(name);
        if (!underWay && next.equals(current.map(FarmEntry::farm))) {
            return false;
        }
        Optional<FarmEntry> entry = prepare(name, current, next);
        if (current.isEmpty() && entry.isPresent()) {
            undo.add(() -> ids.release(entry.get().ids().farmId())); // handed out by prepare
        }
        Optional<FarmEntry> replaced = pending.put(name, entry);
        undo.add(replaced == null ? () -> pending.remove(name) : () -> pending.put(name, replaced));
        if (replaced != null && replaced.isPresent()) {
            int id = replaced.get().ids().farmId();
            if (entry.map(e -> e.ids().farmId() != id).orElse(true) && !knownId(name, id)) {
                ids.release(id); // never reached the kernel, nor will it
                undo.add(() -> ids.reclaim(id));
            }
        }
        services.replace(current.map(FarmEntry::farm), next);
        undo.add(() -> services.replace(next, current.map(FarmEntry::farm)));
        queue.add(change);
        undo.add(() -> queue.removeLast());
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
        if (IngressCompiler.atIngress(farm)) {
            checkAtIngress(farm, ingress.desired());
            return Optional.of(new FarmEntry(farm, ids.assign(farm, current.map(FarmEntry::ids)), null, Set.of()));
        }
        Ids farmIds = ids.assign(farm, current.map(FarmEntry::ids));
        try {
            FarmPart part = FarmParts.compile(farm, farmIds);
            return Optional.of(new FarmEntry(farm, farmIds, part, FarmParts.optionalSets(farm)));
        } catch (RuntimeException e) {
            if (current.isEmpty()) {
                ids.release(farmIds.farmId());
            }
            throw e;
        }
    }

    /** Moves everything queued into a batch for the kernel. */
    Batch startBatch() {
        inflight = pending;
        pending = new LinkedHashMap<>();
        List<Change> changes = queue;
        queue = new ArrayList<>();
        List<FarmChange> farmChanges = new ArrayList<>();
        inflight.forEach((name, after) -> {
            Optional<FarmPart> before = Optional.ofNullable(committed.get(name)).map(FarmEntry::part);
            Optional<FarmPart> now = after.map(FarmEntry::part);
            boolean same = before.isPresent() ? now.isPresent() && before.get() == now.get() : now.isEmpty();
            if (!same) {
                farmChanges.add(new FarmChange(name, before, now));
            }
        });
        IngressBatch ingressBatch = ingress.startBatch(ingressTouched(), this::committedEntries, this::entriesAfter);
        Skeleton after = features.after(inflight, committed);
        // A change of the table's shape that cannot be planned by parts (the flowtable's devices)
        // replaces the table: the whole table once this batch is in.
        Optional<Table> replacement = SkeletonPlanner.incompatibility(skeleton, after).map(why -> after.table(
                entriesAfter().stream().map(FarmEntry::part).filter(Objects::nonNull).toList()));
        return new Batch(changes, inflight, farmChanges, skeleton, after, replacement, ingressBatch,
                shards.after(inflight, committed));
    }

    /**
     * Queues a change of the policies or paths. If it is invalid it throws, and nothing changes.
     *
     * @return false if it changes nothing and nothing about them is under way
     */
    boolean submitIngress(IngressChange change) {
        IngressWanted next = change.edit().apply(ingress.desired());
        change.pathOf().flatMap(this::desired).filter(FarmEntry::atIngress)
                .ifPresent(e -> checkAtIngress(e.farm(), next));
        return ingress.submit(change, next);
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

    /** The committed link layer of a DSR or stateless dNAT farm. */
    Optional<io.nftlb.core.DsrPath> committedPath(String farm) {
        return Optional.ofNullable(ingress.committed().paths().get(farm));
    }

    /** Whether the farm changes under way change the netdev table: ingress farms, or services policies cover. */
    private boolean ingressTouched() {
        boolean policies = ingress.hasPolicies();
        for (Map.Entry<String, Optional<FarmEntry>> e : inflight.entrySet()) {
            FarmEntry before = committed.get(e.getKey());
            Optional<FarmEntry> after = e.getValue();
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

    private List<FarmEntry> committedEntries() {
        return List.copyOf(committed.values());
    }

    /** The farms once the commit under way is in, in the kernel's order (new ones last). */
    private List<FarmEntry> entriesAfter() {
        Map<String, FarmEntry> after = new LinkedHashMap<>(committed);
        inflight.forEach((name, e) -> {
            if (e.isPresent()) {
                after.put(name, e.get());
            } else {
                after.remove(name);
            }
        });
        return List.copyOf(after.values());
    }

    /** The policies the kernel has, in the order they were first applied. */
    List<Policy> committedPolicies() {
        return List.copyOf(ingress.committed().policies().values());
    }

    /** The policy of this name as the caller last set it (committed or not), to check an edit against. */
    Optional<Policy> desiredPolicy(String name) {
        return Optional.ofNullable(ingress.desired().policies().get(name));
    }

    /** For people: what the data path does with a committed policy. */
    Optional<String> explainPolicy(String name) {
        return Optional.ofNullable(ingress.committed().policies().get(name))
                .map(p -> PolicyCompiler.explain(p, committedFarms()));
    }

    /** The whole table the kernel has (what a drift check compares with, and a repair puts back). */
    Table committedTable() {
        return skeleton.table(committed.values().stream().map(FarmEntry::part).filter(Objects::nonNull).toList());
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

    /**
     * The conntrack marks of the backends that {@code batch} takes out of service: removed
     * (with their farm or alone), or set {@link BackendState#DOWN DOWN} or
     * {@link BackendState#OFF OFF} from a state that was neither. Call before
     * {@link #finish}. A backend that drains keeps its connections, so it is not here.
     */
    List<Long> marksLeaving(Batch batch) {
        List<Long> marks = new ArrayList<>();
        batch.farms().forEach((name, after) -> {
            FarmEntry before = committed.get(name);
            if (before == null) {
                return;
            }
            Map<String, Backend> now = new HashMap<>();
            after.ifPresent(e -> e.farm().backends().forEach(b -> now.put(b.name(), b)));
            for (Backend b : before.farm().backends()) {
                long mark = before.ids().mark(b.name());
                Backend next = now.get(b.name());
                boolean removed = next == null || after.get().ids().mark(b.name()) != mark;
                if (removed || (!stopped(b.state()) && stopped(next.state()))) {
                    marks.add(mark);
                }
            }
        });
        return marks;
    }

    private static boolean stopped(BackendState s) {
        return s == BackendState.DOWN || s == BackendState.OFF;
    }

    /** The batch is in the kernel. */
    void finish(Batch batch) {
        batch.farms().forEach((name, after) -> {
            FarmEntry before = after.isPresent() ? committed.put(name, after.get()) : committed.remove(name);
            features.committed(before, after);
            shards.committed(before == null ? null : before.part(), after.map(FarmEntry::part).orElse(null));
            if (before != null && after.map(e -> e.ids().farmId() != before.ids().farmId()).orElse(true)) {
                ids.release(before.ids().farmId());
            }
        });
        skeleton = batch.after();
        inflight = new LinkedHashMap<>();
        ingress.finish(batch.ingress());
    }

    /** A change that could not be applied again after a failed commit, and why. */
    record Dropped(Change change, RuntimeException error) {}

    /** A change of the policies or paths that could not be applied again after a failed commit, and why. */
    record IngressDropped(IngressChange change, RuntimeException error) {}

    /**
     * The batch did not reach the kernel: the policies and paths fall back to what the kernel
     * has, and those queued since are applied again (call before {@link #abort}, whose farm
     * changes may need the paths).
     *
     * @param done receives the replayed changes that turned out to change nothing
     * @return the dropped changes
     */
    List<IngressDropped> abortIngress(List<IngressChange> done) {
        List<IngressDropped> dropped = new ArrayList<>();
        for (IngressChange c : ingress.abort()) {
            try {
                if (!submitIngress(c)) {
                    done.add(c);
                }
            } catch (RuntimeException e) {
                dropped.add(new IngressDropped(c, e));
            }
        }
        return dropped;
    }

    /**
     * The batch did not reach the kernel: the desired state falls back to what the kernel has,
     * and the changes queued since are applied again on top of it (those that no longer apply
     * are dropped, e.g. a weight change for a farm whose creation failed).
     *
     * @param done receives the replayed changes that turned out to change nothing
     * @return the dropped changes
     */
    List<Dropped> abort(List<Change> done) {
        Set<String> names = new LinkedHashSet<>(inflight.keySet());
        names.addAll(pending.keySet());
        Set<Integer> fresh = new HashSet<>();
        for (String name : names) {
            services.replace(desired(name).map(FarmEntry::farm), committedFarm(name));
            FarmEntry kernel = committed.get(name);
            for (Optional<FarmEntry> e : List.of(inflight.getOrDefault(name, Optional.empty()),
                    pending.getOrDefault(name, Optional.empty()))) {
                e.ifPresent(entry -> {
                    if (kernel == null || kernel.ids().farmId() != entry.ids().farmId()) {
                        fresh.add(entry.ids().farmId()); // handed out since, and now used by nothing
                    }
                });
            }
        }
        fresh.forEach(ids::release);
        inflight = new LinkedHashMap<>();
        pending = new LinkedHashMap<>();
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
                if (submitGroup(group) == 0) {
                    done.add(group.get(0));
                }
            } catch (RuntimeException e) {
                dropped.add(new Dropped(group.get(0), e));
            }
        }
        return dropped;
    }

    /** Whether {@code id} is the farm id the kernel or the commit under way has for this farm. */
    private boolean knownId(String name, int id) {
        FarmEntry c = committed.get(name);
        if (c != null && c.ids().farmId() == id) {
            return true;
        }
        Optional<FarmEntry> f = inflight.getOrDefault(name, Optional.empty());
        return f.isPresent() && f.get().ids().farmId() == id;
    }

    private Optional<FarmEntry> desired(String name) {
        Optional<FarmEntry> e = pending.get(name);
        if (e != null) {
            return e;
        }
        e = inflight.get(name);
        if (e != null) {
            return e;
        }
        return Optional.ofNullable(committed.get(name));
    }
}
