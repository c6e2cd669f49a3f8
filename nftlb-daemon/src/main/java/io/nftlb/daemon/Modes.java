package io.nftlb.daemon;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.Support;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * nftlb's modes and the DSL entry point of each. Whether the library compiles a mode is asked
 * of core ({@link Support#forwarding}), so a mode that core learns to compile is accepted here
 * with no change.
 */
final class Modes {

    /** nftlb's local mode is the library's host forwarding (the library's local mode redirects to loopback backends). */
    private static final Map<String, Function<String[], Farm>> ENTRIES = Map.of(
            "snat", Farm::snat,
            "dnat", Farm::dnat,
            "dsr", Farm::dsr,
            "stlsdnat", Farm::statelessDnat,
            "local", Farm::host);

    private Modes() {}

    /** The entry point of a mode, or null (reported in {@code problems}) when it is not supported. */
    static Function<String[], Farm> entry(String where, String mode, Problems problems) {
        Function<String[], Farm> entry = ENTRIES.get(mode);
        if (entry == null) {
            throw ConfigException.field(where, "mode", mode, "must be snat, dnat, dsr, stlsdnat or local");
        }
        Optional<String> refused = Support.forwarding(entry.apply(new String[] {"192.0.2.1"}).forwarding());
        if (refused.isPresent()) {
            problems.unsupported(where, "mode", mode, refused.get());
            return null;
        }
        return entry;
    }
}
