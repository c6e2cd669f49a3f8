package io.nftlb.core.compile;

import io.nftlb.core.Farm;
import io.nftlb.core.ast.NamedSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-farm entry points into the compiler, for callers that keep many farms and recompile only
 * the ones that change (the runtime): {@link RulesetCompiler#compile} recompiles every farm and
 * re-checks every pair, which costs in proportion to all farms for a change to one.
 */
public final class FarmParts {

    /** First conntrack mark {@link Allocation} hands out; a caller that numbers backends itself starts here. */
    public static final long FIRST_MARK = Allocation.FIRST_MARK;

    /** Marks stay below this bit (the library keeps it for itself). */
    public static final long MARK_LIMIT = Allocation.MARK_LIMIT;

    private FarmParts() {}

    /**
     * Compiles one farm with the ids it is known by: exactly the part
     * {@link RulesetCompiler#compile(List, Allocation)} gives it when the allocation holds these ids.
     *
     * @throws UnsupportedFeatureException if the farm asks for something the compiler cannot do
     */
    public static FarmPart compile(Farm farm, Ids ids) {
        return FarmCompiler.compile(farm, ids);
    }

    /**
     * The names of the optional sets (those not every ruleset has), of the objects such as
     * {@code ct helper ftp-tcp}, and of the flowtable devices ({@code flowtable fastpath eth0}) that the ruleset declares
     * because of this farm, e.g. {@code serving} and {@code persist4-saddr} for a persistent
     * farm. The compiler declares an optional set when at least one farm needs it, so the
     * declarations of a ruleset follow from the union of these over its farms: a caller can
     * keep that union up to date one farm at a time.
     */
    public static Set<String> optionalSets(Farm farm) {
        Set<String> names = new LinkedHashSet<>();
        for (NamedSet s : RulesetCompiler.optionalDeclarations(List.of(farm))) {
            names.add(s.name());
        }
        // Objects come and go with farms as optional sets do (names cannot clash: "ct helper" has a space).
        HelpersCompiler.objects(List.of(farm)).forEach(o -> names.add(o.kind().keyword() + " " + o.name()));
        // The flowtable's devices are the union of the farms': one name per device keeps that union too.
        names.addAll(OffloadCompiler.shape(farm));
        return Set.copyOf(names);
    }

    /** For people: what the data path does for one farm, given its ids and compiled part. */
    public static String explain(Farm farm, Ids ids, FarmPart part) {
        return Explain.farm(farm, ids, part);
    }
}
