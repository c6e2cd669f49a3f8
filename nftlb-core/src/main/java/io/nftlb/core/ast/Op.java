package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One operation of a {@link Transaction}. Each maps to one kind of nf_tables message
 * (NEWTABLE, DELCHAIN, NEWSETELEM...) and to one nft command, so a kernel error can be
 * traced back to the operation, and the same transaction can go through netlink or nft.
 *
 * <p>{@link #describe()} names the operation and the object it is about, for error messages.
 */
public sealed interface Op {

    /** The table the operation is about. */
    TableRef table();

    /** E.g. {@code add element inet nftlb sched (3 elements)}. */
    String describe();

    /** Creates the table if it does not exist (no error if it does). */
    record AddTable(TableRef table) implements Op {
        public AddTable {
            requireNonNull(table, "table");
        }

        @Override
        public String describe() {
            return "add table " + table;
        }
    }

    /** Deletes the table and everything in it. */
    record DeleteTable(TableRef table) implements Op {
        public DeleteTable {
            requireNonNull(table, "table");
        }

        @Override
        public String describe() {
            return "delete table " + table;
        }
    }

    /** Creates a chain (its rules, if any, are ignored here: add them with {@link AddRule}). */
    record AddChain(TableRef table, Chain chain) implements Op {
        public AddChain {
            requireNonNull(table, "table");
            requireNonNull(chain, "chain");
        }

        @Override
        public String describe() {
            return "add chain " + table + " " + chain.name();
        }
    }

    /** Removes every rule of a chain. */
    record FlushChain(TableRef table, String chain) implements Op {
        public FlushChain {
            requireNonNull(table, "table");
            requireNonNull(chain, "chain");
        }

        @Override
        public String describe() {
            return "flush chain " + table + " " + chain;
        }
    }

    /** Deletes an empty chain that nothing refers to. */
    record DeleteChain(TableRef table, String chain) implements Op {
        public DeleteChain {
            requireNonNull(table, "table");
            requireNonNull(chain, "chain");
        }

        @Override
        public String describe() {
            return "delete chain " + table + " " + chain;
        }
    }

    /** Appends a rule to a chain. */
    record AddRule(TableRef table, String chain, Rule rule) implements Op {
        public AddRule {
            requireNonNull(table, "table");
            requireNonNull(chain, "chain");
            requireNonNull(rule, "rule");
        }

        @Override
        public String describe() {
            return "add rule " + table + " " + chain;
        }
    }

    /** Deletes the rule with this kernel handle. */
    record DeleteRule(TableRef table, String chain, long handle) implements Op {
        public DeleteRule {
            requireNonNull(table, "table");
            requireNonNull(chain, "chain");
        }

        @Override
        public String describe() {
            return "delete rule " + table + " " + chain + " handle " + handle;
        }
    }

    /** Creates a set or map with its declared elements. */
    record AddSet(TableRef table, NamedSet set) implements Op {
        public AddSet {
            requireNonNull(table, "table");
            requireNonNull(set, "set");
        }

        @Override
        public String describe() {
            return "add " + (set.isMap() ? "map " : "set ") + table + " " + set.name();
        }
    }

    /** Deletes a set or map that no rule refers to. */
    record DeleteSet(TableRef table, String set) implements Op {
        public DeleteSet {
            requireNonNull(table, "table");
            requireNonNull(set, "set");
        }

        @Override
        public String describe() {
            return "delete set " + table + " " + set;
        }
    }

    /** Removes every element of a set or map. */
    record FlushSet(TableRef table, String set) implements Op {
        public FlushSet {
            requireNonNull(table, "table");
            requireNonNull(set, "set");
        }

        @Override
        public String describe() {
            return "flush set " + table + " " + set;
        }
    }

    /** Adds elements to a set or map. Replacing an element's data needs a delete first. */
    record AddElements(TableRef table, String set, List<Element> elements) implements Op {
        public AddElements {
            requireNonNull(table, "table");
            requireNonNull(set, "set");
            elements = List.copyOf(elements);
        }

        @Override
        public String describe() {
            return "add element " + table + " " + set + " (" + elements.size() + " elements)";
        }
    }

    /** Deletes elements (by key) from a set or map. */
    record DeleteElements(TableRef table, String set, List<Element> elements) implements Op {
        public DeleteElements {
            requireNonNull(table, "table");
            requireNonNull(set, "set");
            elements = List.copyOf(elements);
        }

        @Override
        public String describe() {
            return "delete element " + table + " " + set + " (" + elements.size() + " elements)";
        }
    }

    /** Creates a named stateful object (counter, quota, limit, ct helper). */
    record AddObject(TableRef table, NamedObject object) implements Op {
        public AddObject {
            requireNonNull(table, "table");
            requireNonNull(object, "object");
        }

        @Override
        public String describe() {
            return "add " + object.kind().keyword() + " " + table + " " + object.name();
        }
    }

    /** Deletes a named stateful object. */
    record DeleteObject(TableRef table, NamedObject object) implements Op {
        public DeleteObject {
            requireNonNull(table, "table");
            requireNonNull(object, "object");
        }

        @Override
        public String describe() {
            return "delete " + object.kind().keyword() + " " + table + " " + object.name();
        }
    }

    /**
     * Creates a flowtable; on a flowtable that exists with the same hook priority, adds the
     * devices it does not have yet (kernel 5.8 or newer), leaving its flows and the rules that
     * use it as they are.
     */
    record AddFlowtable(TableRef table, Flowtable flowtable) implements Op {
        public AddFlowtable {
            requireNonNull(table, "table");
            requireNonNull(flowtable, "flowtable");
        }

        @Override
        public String describe() {
            return "add flowtable " + table + " " + flowtable.name();
        }
    }

    /** Deletes a flowtable. */
    record DeleteFlowtable(TableRef table, String flowtable) implements Op {
        public DeleteFlowtable {
            requireNonNull(table, "table");
            requireNonNull(flowtable, "flowtable");
        }

        @Override
        public String describe() {
            return "delete flowtable " + table + " " + flowtable;
        }
    }

    /**
     * Removes devices from a flowtable that keeps existing, with its flows on the other devices
     * and the rules that use it ({@code delete flowtable ... { hook ingress priority P; devices
     * = { ... }; }}, kernel 5.8 or newer).
     *
     * @param priority the flowtable's hook priority (the kernel refuses the removal if it is
     *     not the flowtable's)
     * @param devices the devices to remove, not empty
     */
    record DeleteFlowtableDevices(TableRef table, String flowtable, int priority, List<String> devices)
            implements Op {
        public DeleteFlowtableDevices {
            requireNonNull(table, "table");
            requireNonNull(flowtable, "flowtable");
            devices = List.copyOf(devices);
            if (devices.isEmpty()) {
                throw new IllegalArgumentException("flowtable " + flowtable + ": no device to remove");
            }
        }

        @Override
        public String describe() {
            return "delete flowtable " + table + " " + flowtable + " devices " + devices;
        }
    }

}
