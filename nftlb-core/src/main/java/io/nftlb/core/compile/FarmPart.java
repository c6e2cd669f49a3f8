package io.nftlb.core.compile;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import java.util.List;
import java.util.Map;

/**
 * What one farm contributes to the ruleset: its chain, and its elements of the shared maps
 * (set name to elements). The planner diffs farms part by part, so a change to one farm costs
 * in proportion to that farm, not to the whole ruleset.
 */
public record FarmPart(String farm, Chain chain, Map<String, List<Element>> elements) {

    public FarmPart {
        // Immutable copies, sized to fit: a runtime keeps every farm's part (10,000 and more).
        Map<String, List<Element>> copy = new java.util.HashMap<>();
        elements.forEach((set, list) -> copy.put(set, List.copyOf(list)));
        elements = Map.copyOf(copy);
    }

    /** This farm's elements of one set (empty if it has none there). */
    public List<Element> elements(String set) {
        return elements.getOrDefault(set, List.of());
    }
}
