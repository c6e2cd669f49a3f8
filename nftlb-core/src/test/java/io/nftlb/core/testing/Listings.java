package io.nftlb.core.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code nft list ruleset} output in a canonical order. The kernel lists a table's sets and
 * chains in the order they were created, and the elements of a concatenated interval set in
 * the order they were added, which differ between a table built up change by change and one
 * loaded at once. Sorting the blocks of each table by their first line, and each element list
 * (joined on one line), makes the two comparable and leaves everything else as nft printed it.
 */
public final class Listings {

    private Listings() {}

    public static String canonical(String listing) {
        List<String> tables = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        String header = null;
        for (String line : listing.lines().toList()) {
            if (line.startsWith("table ")) {
                header = line;
                blocks = new ArrayList<>();
            } else if (line.equals("}")) {
                blocks.sort(null);
                tables.add(header + "\n" + String.join("\n", blocks) + "}\n");
            } else if (line.startsWith("\t") && !line.startsWith("\t\t") && line.endsWith("{")) {
                block = new StringBuilder(line).append('\n');
            } else if (line.equals("\t}")) {
                blocks.add(sortElements(block.append(line).append('\n').toString()));
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("unexpected line in nft listing: " + line);
            }
        }
        tables.sort(null);
        return String.join("\n", tables);
    }

    /** The element list of a set block on one line, sorted. Elements hold no ", " of their own. */
    private static String sortElements(String block) {
        int start = block.indexOf("elements = { ");
        if (start < 0) {
            return block;
        }
        int end = block.indexOf(" }\n", start);
        String inner = block.substring(start + "elements = { ".length(), end).replaceAll(",\n\\s*", ", ");
        List<String> elements = new ArrayList<>(List.of(inner.split(", ")));
        elements.sort(null);
        return block.substring(0, start) + "elements = { " + String.join(", ", elements) + block.substring(end);
    }
}
