package io.nftlb.core.internal.plan;

import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The element operations that turn one farm's elements of a set into another's. Elements are
 * identified by key: the kernel holds one element per key, so an element whose data (or
 * timeout, or comment) changed is deleted and added again; adding it over the old one would
 * fail with EEXIST.
 */
final class ElementDiff {

    private ElementDiff() {}

    /**
     * Reports the elements to delete (in {@code before}'s order) and to add (in {@code after}'s
     * order). Costs O(before + after), nothing when the lists are the same object.
     */
    static void between(List<Element> before, List<Element> after, Consumer<Element> delete, Consumer<Element> add) {
        if (before == after || before.equals(after)) {
            return;
        }
        Map<Expr, Element> afterByKey = byKey(after);
        for (Element e : before) {
            if (!e.equals(afterByKey.get(e.key()))) {
                delete.accept(e);
            }
        }
        Map<Expr, Element> beforeByKey = byKey(before);
        for (Element e : after) {
            if (!e.equals(beforeByKey.get(e.key()))) {
                add.accept(e);
            }
        }
    }

    private static Map<Expr, Element> byKey(List<Element> elements) {
        Map<Expr, Element> map = new HashMap<>(elements.size() * 2);
        for (Element e : elements) {
            if (map.put(e.key(), e) != null) {
                throw new IllegalArgumentException("two elements with key " + e.key());
            }
        }
        return map;
    }
}
