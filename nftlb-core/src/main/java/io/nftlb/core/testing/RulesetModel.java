package io.nftlb.core.testing;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory kernel: interprets {@link Op}s over tables the way nf_tables does, with its
 * errors (ENOENT for what is missing, EEXIST for a key that is taken or an interval that
 * overlaps, EBUSY for a set or chain still in use), and applies a transaction atomically.
 * The planner's property tests check its transactions against it without root.
 */
public final class RulesetModel {

    private Map<TableRef, TableState> tables = new LinkedHashMap<>();

    /** An empty kernel: no tables. */
    public RulesetModel() {}

    private record TableState(Map<String, NamedSet> sets, Map<String, Map<Expr, Element>> elements,
                              Map<String, Chain> chains, Map<String, io.nftlb.core.ast.NamedObject> objects,
                              Map<String, Flowtable> flowtables) {
        TableState copy() {
            Map<String, Map<Expr, Element>> e = new LinkedHashMap<>();
            elements.forEach((k, v) -> e.put(k, new LinkedHashMap<>(v)));
            return new TableState(new LinkedHashMap<>(sets), e, new LinkedHashMap<>(chains),
                    new LinkedHashMap<>(objects), new LinkedHashMap<>(flowtables));
        }
    }

    /**
     * Applies every operation, or none: on the first error the model is left as it was.
     *
     * @throws TransportException naming the errno and the operation, as a transport would
     */
    public void apply(Transaction tx) {
        Map<TableRef, TableState> work = new LinkedHashMap<>();
        tables.forEach((k, v) -> work.put(k, v.copy()));
        for (Op op : tx.ops()) {
            try {
                apply(work, op);
            } catch (Fail f) {
                throw new TransportException(op.describe() + ": " + f.errno + " (" + f.getMessage() + ")", f.errno,
                        Optional.of(op));
            }
        }
        tables = work;
    }

    /**
     * A table as it is now, in a canonical order (sets and chains by name, elements sorted), so
     * that two tables with the same content compare equal whatever order they were built in.
     */
    public Optional<Table> table(TableRef ref) {
        TableState t = tables.get(ref);
        if (t == null) {
            return Optional.empty();
        }
        List<NamedSet> sets = new ArrayList<>();
        t.sets.forEach((name, decl) -> sets.add(decl.withElements(new ArrayList<>(t.elements.get(name).values()))));
        return Optional.of(canonical(new Table(ref.family(), ref.name(), sets, new ArrayList<>(t.objects.values()),
                new ArrayList<>(t.flowtables.values()), new ArrayList<>(t.chains.values()))));
    }

    /** The table in the model's canonical order. */
    public static Table canonical(Table t) {
        List<NamedSet> sets = t.sets().stream()
                .map(s -> s.withElements(s.elements().stream().sorted(Comparator.comparing(Element::toString)).toList()))
                .sorted(Comparator.comparing(NamedSet::name)).toList();
        List<Chain> chains = t.chains().stream().sorted(Comparator.comparing(Chain::name)).toList();
        List<io.nftlb.core.ast.NamedObject> objects = t.objects().stream()
                .sorted(Comparator.comparing(io.nftlb.core.ast.NamedObject::name)).toList();
        // A flowtable's devices in any order: the kernel lists those added later last.
        List<Flowtable> flowtables = t.flowtables().stream().map(f -> new Flowtable(f.name(), f.priority(),
                f.devices().stream().sorted().toList(), f.counter())).sorted(Comparator.comparing(Flowtable::name))
                .toList();
        return new Table(t.family(), t.name(), sets, objects, flowtables, chains);
    }

    /** The canonical table as nft text: compare these to get a readable diff. */
    public static String text(Table t) {
        return NftText.render(canonical(t));
    }

    private static final class Fail extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String errno;

        Fail(String errno, String message) {
            super(message, null, false, false);
            this.errno = errno;
        }
    }

    private static void check(boolean ok, String errno, String message) {
        if (!ok) {
            throw new Fail(errno, message);
        }
    }

    private static void apply(Map<TableRef, TableState> tables, Op op) {
        if (op instanceof Op.AddTable a) {
            tables.putIfAbsent(a.table(), new TableState(new LinkedHashMap<>(), new LinkedHashMap<>(),
                    new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>()));
            return;
        }
        TableState t = tables.get(op.table());
        check(t != null, "ENOENT", "no table " + op.table());
        switch (op) {
            case Op.AddTable a -> throw new AssertionError();
            case Op.DeleteTable d -> tables.remove(d.table());
            case Op.AddChain a -> {
                Chain old = t.chains.get(a.chain().name());
                check(old == null || old.hook().equals(a.chain().hook()), "EEXIST",
                        "chain " + a.chain().name() + " exists with another hook");
                if (old == null) {
                    t.chains.put(a.chain().name(), new Chain(a.chain().name(), a.chain().hook(), List.of()));
                }
            }
            case Op.FlushChain f -> {
                Chain c = chain(t, f.chain());
                t.chains.put(c.name(), new Chain(c.name(), c.hook(), List.of()));
            }
            case Op.DeleteChain d -> {
                chain(t, d.chain());
                t.elements.forEach((set, els) -> els.values().forEach(e -> check(!Refs.chains(e).contains(d.chain()),
                        "EBUSY", "chain " + d.chain() + " is the target of an element of " + set)));
                t.chains.values().forEach(c -> check(c.name().equals(d.chain()) || !Refs.chains(c).contains(d.chain()),
                        "EBUSY", "chain " + d.chain() + " is the target of a rule in " + c.name()));
                t.chains.remove(d.chain());
            }
            case Op.AddRule a -> {
                Chain c = chain(t, a.chain());
                for (String s : Refs.sets(a.rule())) {
                    check(t.sets.containsKey(s), "ENOENT", "rule uses set " + s + ", which does not exist");
                }
                for (String target : Refs.chains(a.rule())) {
                    check(t.chains.containsKey(target), "ENOENT", "rule jumps to chain " + target + ", which does not exist");
                }
                for (String f : Refs.flowtables(a.rule())) {
                    check(t.flowtables.containsKey(f), "ENOENT", "rule adds flows to flowtable " + f
                            + ", which does not exist");
                }
                List<Rule> rules = new ArrayList<>(c.rules());
                rules.add(a.rule());
                t.chains.put(c.name(), new Chain(c.name(), c.hook(), rules));
            }
            case Op.AddSet a -> {
                NamedSet decl = a.set().withElements(List.of());
                NamedSet old = t.sets.get(decl.name());
                check(old == null || old.equals(decl), "EEXIST", "set " + decl.name() + " exists with another declaration");
                if (old == null) {
                    t.sets.put(decl.name(), decl);
                    t.elements.put(decl.name(), new LinkedHashMap<>());
                }
                addElements(t, decl.name(), a.set().elements());
            }
            case Op.DeleteSet d -> {
                set(t, d.set());
                t.chains.values().forEach(c -> check(!Refs.sets(c).contains(d.set()), "EBUSY",
                        "set " + d.set() + " is used by a rule of chain " + c.name()));
                t.sets.remove(d.set());
                t.elements.remove(d.set());
            }
            case Op.FlushSet f -> {
                set(t, f.set());
                t.elements.get(f.set()).clear();
            }
            case Op.AddElements a -> addElements(t, a.set(), a.elements());
            case Op.DeleteElements d -> {
                set(t, d.set());
                Map<Expr, Element> els = t.elements.get(d.set());
                for (Element e : d.elements()) {
                    check(els.remove(e.key()) != null, "ENOENT", "no element " + e.key() + " in set " + d.set());
                }
            }
            case Op.DeleteRule d -> throw new UnsupportedOperationException("the model has no rule handles");
            // As the kernel: adding an object that exists is no change; deleting a missing one fails.
            case Op.AddObject o -> t.objects.putIfAbsent(o.object().name(), o.object());
            case Op.DeleteObject o -> check(t.objects.remove(o.object().name()) != null, "ENOENT",
                    "no object " + o.object().name());
            // As the kernel (5.8+): adding a flowtable that exists adds the devices it lacks, if the
            // priority and counter flag are the same; devices are removed one by one.
            case Op.AddFlowtable a -> {
                Flowtable old = t.flowtables.get(a.flowtable().name());
                if (old == null) {
                    t.flowtables.put(a.flowtable().name(), a.flowtable());
                } else {
                    check(old.priority() == a.flowtable().priority() && old.counter() == a.flowtable().counter(),
                            "EOPNOTSUPP", "flowtable " + old.name() + " exists with another priority or flags");
                    List<String> devices = new ArrayList<>(old.devices());
                    a.flowtable().devices().stream().filter(d -> !devices.contains(d)).forEach(devices::add);
                    t.flowtables.put(old.name(), new Flowtable(old.name(), old.priority(), devices, old.counter()));
                }
            }
            case Op.DeleteFlowtable d -> {
                check(t.flowtables.containsKey(d.flowtable()), "ENOENT", "no flowtable " + d.flowtable());
                t.chains.values().forEach(c -> check(!Refs.flowtables(c).contains(d.flowtable()), "EBUSY",
                        "flowtable " + d.flowtable() + " is used by a rule of chain " + c.name()));
                t.flowtables.remove(d.flowtable());
            }
            case Op.DeleteFlowtableDevices d -> {
                Flowtable old = t.flowtables.get(d.flowtable());
                check(old != null, "ENOENT", "no flowtable " + d.flowtable());
                check(old.priority() == d.priority(), "EOPNOTSUPP", "flowtable " + old.name() + " has priority "
                        + old.priority() + ", not " + d.priority());
                List<String> devices = new ArrayList<>(old.devices());
                for (String dev : d.devices()) {
                    check(devices.remove(dev), "ENOENT", "flowtable " + old.name() + " has no device " + dev);
                }
                t.flowtables.put(old.name(), new Flowtable(old.name(), old.priority(), devices, old.counter()));
            }
        }
    }

    private static Chain chain(TableState t, String name) {
        Chain c = t.chains.get(name);
        check(c != null, "ENOENT", "no chain " + name);
        return c;
    }

    private static NamedSet set(TableState t, String name) {
        NamedSet s = t.sets.get(name);
        check(s != null, "ENOENT", "no set " + name);
        return s;
    }

    private static void addElements(TableState t, String setName, List<Element> elements) {
        NamedSet s = set(t, setName);
        Map<Expr, Element> els = t.elements.get(setName);
        boolean interval = s.flags().contains(NamedSet.SetFlag.INTERVAL);
        for (Element e : elements) {
            for (String target : Refs.chains(e)) {
                check(t.chains.containsKey(target), "ENOENT", "element jumps to chain " + target + ", which does not exist");
            }
            Element old = els.get(e.key());
            if (old != null) {
                // The kernel accepts an element that is already there with the same data.
                check(old.equals(e), "EEXIST", "key " + e.key() + " of set " + setName + " is taken");
                continue;
            }
            if (interval) {
                for (Expr k : els.keySet()) {
                    check(!Intervals.overlap(k, e.key()), "EEXIST",
                            "interval " + e.key() + " overlaps " + k + " in set " + setName);
                }
            }
            els.put(e.key(), e);
        }
    }
}
