package io.nftlb.core.runtime;

import java.util.Optional;

/**
 * What a layer of changes makes of one farm it touches: this entry, or no farm. A farm a layer
 * does not touch has no update there (an absent key), so "untouched" and "removed" are never
 * told apart by null.
 */
sealed interface FarmUpdate {

    /** The farm is this entry. */
    record Put(FarmEntry next) implements FarmUpdate {}

    /** The farm is gone. */
    record Removed() implements FarmUpdate {}

    FarmUpdate REMOVED = new Removed();

    static FarmUpdate of(Optional<FarmEntry> entry) {
        return entry.<FarmUpdate>map(Put::new).orElse(REMOVED);
    }

    /** The farm's entry; empty if removed. */
    default Optional<FarmEntry> entry() {
        return this instanceof Put p ? Optional.of(p.next()) : Optional.empty();
    }
}
