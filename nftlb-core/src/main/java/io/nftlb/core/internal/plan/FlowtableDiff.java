package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From one table's flowtables to another's without deleting a flowtable that stays: the kernel
 * (5.8 or newer) adds devices to a flowtable that exists ({@code NFT_MSG_NEWFLOWTABLE} on it)
 * and removes some ({@code NFT_MSG_DELFLOWTABLE} naming the devices), keeping its flows on the
 * other devices and the rules that use it. A flowtable cannot be deleted and made again in one
 * transaction under a rule that uses it, and the kernel changes neither its priority nor its
 * flags in place, so a flowtable whose priority or counter flag changes cannot be diffed.
 */
final class FlowtableDiff {

    private FlowtableDiff() {}

    /** Why {@code from} cannot become {@code to} by a diff, if it cannot. */
    static Optional<String> incompatibility(List<Flowtable> from, List<Flowtable> to) {
        Map<String, Flowtable> before = byName(from);
        for (Flowtable f : to) {
            Flowtable old = before.get(f.name());
            if (old != null && (old.priority() != f.priority() || old.counter() != f.counter())) {
                return Optional.of("flowtable " + f.name() + " changes its priority or counter flag (" + old + " to "
                        + f + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * New flowtables, and the devices a flowtable that stays gains: to come before the rules
     * that use them.
     */
    static List<Op> additions(TableRef table, List<Flowtable> from, List<Flowtable> to) {
        Map<String, Flowtable> before = byName(from);
        List<Op> ops = new ArrayList<>();
        for (Flowtable f : to) {
            Flowtable old = before.get(f.name());
            if (old == null) {
                ops.add(new Op.AddFlowtable(table, f));
                continue;
            }
            List<String> gained = f.devices().stream().filter(d -> !old.devices().contains(d)).toList();
            if (!gained.isEmpty()) {
                ops.add(new Op.AddFlowtable(table, new Flowtable(f.name(), f.priority(), gained, f.counter())));
            }
        }
        return ops;
    }

    /**
     * The devices a flowtable that stays loses, then the flowtables that go: to come after the
     * rules that used them are gone.
     */
    static List<Op> removals(TableRef table, List<Flowtable> from, List<Flowtable> to) {
        Map<String, Flowtable> after = byName(to);
        List<Op> ops = new ArrayList<>();
        for (Flowtable old : from) {
            Flowtable f = after.get(old.name());
            if (f == null) {
                ops.add(new Op.DeleteFlowtable(table, old.name()));
                continue;
            }
            List<String> lost = old.devices().stream().filter(d -> !f.devices().contains(d)).toList();
            if (!lost.isEmpty()) {
                ops.add(new Op.DeleteFlowtableDevices(table, old.name(), old.priority(), lost));
            }
        }
        return ops;
    }

    private static Map<String, Flowtable> byName(List<Flowtable> flowtables) {
        Map<String, Flowtable> m = new LinkedHashMap<>();
        flowtables.forEach(f -> m.put(f.name(), f));
        return m;
    }
}
