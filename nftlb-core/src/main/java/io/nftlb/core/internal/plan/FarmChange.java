package io.nftlb.core.internal.plan;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.compile.FarmPart;
import java.util.Optional;

/**
 * One farm's part before and after a change: added (no {@code before}), removed (no
 * {@code after}) or changed (both).
 *
 * @param farm the farm's name
 * @param before its part as committed, if it has one
 * @param after its part as desired, if it is to have one
 */
public record FarmChange(String farm, Optional<FarmPart> before, Optional<FarmPart> after) {

    /** Checks that the parts are the named farm's, and that there is at least one. */
    public FarmChange {
        requireNonNull(farm, "farm");
        requireNonNull(before, "before");
        requireNonNull(after, "after");
        if (before.isEmpty() && after.isEmpty()) {
            throw new IllegalArgumentException("farm \"" + farm + "\": a change needs a part before or after");
        }
        before.ifPresent(p -> checkName(farm, p));
        after.ifPresent(p -> checkName(farm, p));
    }

    private static void checkName(String farm, FarmPart part) {
        if (!part.farm().equals(farm)) {
            throw new IllegalArgumentException("farm \"" + farm + "\": given the part of farm \"" + part.farm() + "\"");
        }
    }

    /** A farm that was not there. */
    public static FarmChange added(FarmPart after) {
        return new FarmChange(after.farm(), Optional.empty(), Optional.of(after));
    }

    /** A farm that goes away. */
    public static FarmChange removed(FarmPart before) {
        return new FarmChange(before.farm(), Optional.of(before), Optional.empty());
    }

    /** A farm whose part changed (the planner finds what changed in it). */
    public static FarmChange changed(FarmPart before, FarmPart after) {
        return new FarmChange(before.farm(), Optional.of(before), Optional.of(after));
    }
}
