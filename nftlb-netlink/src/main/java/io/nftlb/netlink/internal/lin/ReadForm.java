package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Table;
import io.nftlb.netlink.internal.expr.KExpr;
import io.nftlb.netlink.internal.expr.Lookup;
import io.nftlb.netlink.internal.msg.KRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.ToIntFunction;

/**
 * A table as a readback would decode it once committed: each rule linearized and delinearized
 * in memory, so that a readback can be compared with what was committed (the delinearizer, like
 * nft, drops implied protocol matches and types values by the sets they come from).
 */
public final class ReadForm {

    private ReadForm() {}

    /** @param ifindex a device name to its index in the target namespace (for fwd and dup) */
    public static Table of(Table table, ToIntFunction<String> ifindex) {
        Map<String, NamedSet> sets = new HashMap<>();
        table.sets().forEach(s -> sets.put(s.name(), s));
        // fwd and dup name devices; the kernel form holds their index: remember both ways.
        Map<Integer, String> devices = new HashMap<>();
        ToIntFunction<String> resolve = name -> {
            int index = ifindex.applyAsInt(name);
            devices.put(index, name);
            return index;
        };
        int[] ids = {0};
        List<Chain> chains = new ArrayList<>(table.chains().size());
        for (Chain c : table.chains()) {
            List<Rule> rules = new ArrayList<>(c.rules().size());
            for (Rule r : c.rules()) {
                Linearizer.Result lin = Linearizer.linearize(table.family(), table.name(), c.name(), r, sets::get,
                        () -> ids[0]++, resolve);
                // Anonymous sets all have the name pattern "__set%d": tell them apart by their id.
                Map<String, NamedSet> anonymous = new HashMap<>();
                for (AnonSets a : lin.anonSets()) {
                    NamedSet shape = Sets.fromKernel(a.set());
                    anonymous.put(anonName(a.set().name(), a.set().id()),
                            shape.withElements(SetElements.fromKernel(shape, a.elements())));
                }
                List<KExpr> exprs = new ArrayList<>(lin.rule().exprs().size());
                for (KExpr e : lin.rule().exprs()) {
                    if (e instanceof Lookup l && l.set().startsWith("__")) {
                        e = new Lookup(anonName(l.set(), l.setId()), l.setId(), l.sreg(), l.dreg(), l.flags());
                    }
                    exprs.add(e);
                }
                KRule k = new KRule(table.name(), c.name(), OptionalLong.empty(), exprs, lin.rule().userdata());
                rules.add(Delinearizer.rule(table.family(), k,
                        n -> anonymous.containsKey(n) ? anonymous.get(n) : sets.get(n), n -> null, devices::get));
            }
            chains.add(new Chain(c.name(), c.hook(), rules));
        }
        return new Table(table.family(), table.name(), table.sets(), table.objects(), table.flowtables(), chains);
    }

    private static String anonName(String pattern, OptionalInt id) {
        return pattern.replace("%d", "") + id.orElse(-1);
    }
}
