package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What differs between two versions of a table, e.g. the one a load balancer committed (in its
 * {@link io.nftlb.core.transport.Transport#readForm read form}) and a readback of the kernel's.
 * Compared the way the data path sees them: sets, chains, objects and flowtables by name in any
 * order, elements as sets, rules in order. Elements of dynamic sets are not compared: the data
 * path adds them (persistence records), so they differ from any declaration.
 */
public final class TableComparison {

    private TableComparison() {}

    /** Empty if the tables are the same; else one line per difference (set, chain...), for people. */
    public static List<String> differences(Table expected, Table actual) {
        List<String> out = new ArrayList<>();
        if (expected.family() != actual.family() || !expected.name().equals(actual.name())) {
            out.add("table " + actual.family().keyword() + " " + actual.name() + " instead of "
                    + expected.family().keyword() + " " + expected.name());
            return out;
        }
        compare("set", byName(expected.sets(), NamedSet::name), byName(actual.sets(), NamedSet::name),
                TableComparison::setDifference, out);
        compare("chain", byName(expected.chains(), Chain::name), byName(actual.chains(), Chain::name),
                TableComparison::chainDifference, out);
        compare("object", byName(expected.objects(), o -> o.name()), byName(actual.objects(), o -> o.name()),
                (a, b) -> a.equals(b) ? null : "differs", out);
        // Devices in any order: the kernel lists the devices added to a flowtable after the others.
        compare("flowtable", byName(expected.flowtables(), f -> f.name()), byName(actual.flowtables(), f -> f.name()),
                (a, b) -> a.priority() == b.priority() && a.counter() == b.counter()
                        && new java.util.HashSet<>(a.devices()).equals(new java.util.HashSet<>(b.devices()))
                        ? null : "differs", out);
        return out;
    }

    private static <T> void compare(String kind, Map<String, T> expected, Map<String, T> actual,
                                    Difference<T> difference, List<String> out) {
        for (Map.Entry<String, T> e : expected.entrySet()) {
            T found = actual.get(e.getKey());
            if (found == null) {
                out.add(kind + " " + e.getKey() + " is missing");
            } else {
                String d = difference.between(e.getValue(), found);
                if (d != null) {
                    out.add(kind + " " + e.getKey() + ": " + d);
                }
            }
        }
        for (String name : new TreeSet<>(actual.keySet())) {
            if (!expected.containsKey(name)) {
                out.add(kind + " " + name + " is not ours");
            }
        }
    }

    private interface Difference<T> {
        /** Null if the same. */
        String between(T expected, T actual);
    }

    private static String setDifference(NamedSet expected, NamedSet actual) {
        if (!expected.withElements(List.of()).equals(actual.withElements(List.of()))) {
            return "declared differently";
        }
        if (expected.flags().contains(NamedSet.SetFlag.DYNAMIC)) {
            return null;
        }
        Set<Element> want = new HashSet<>(expected.elements());
        Set<Element> have = new HashSet<>(actual.elements());
        if (want.equals(have)) {
            return null;
        }
        long missing = want.stream().filter(e -> !have.contains(e)).count();
        long extra = have.stream().filter(e -> !want.contains(e)).count();
        return missing + " element(s) missing, " + extra + " not ours";
    }

    private static String chainDifference(Chain expected, Chain actual) {
        if (!Objects.equals(expected.hook(), actual.hook())) {
            return "hooked differently";
        }
        if (!expected.rules().equals(actual.rules())) {
            return expected.rules().size() + " rule(s) expected, " + actual.rules().size() + " found, not the same";
        }
        return null;
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(i -> map.put(name.apply(i), i));
        return map;
    }
}
