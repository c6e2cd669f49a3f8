package io.nftlb.daemon;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.compile.UnsupportedFeatureException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * nftlb's modes and the DSL entry point of each. Whether the library compiles a mode is asked
 * of the compiler itself (a trial compile of an empty farm), so a mode that core learns to
 * compile (DSR, stateless dNAT) is accepted here with no change.
 */
final class Modes {

    private static final Map<String, Function<String[], Farm>> ENTRIES = Map.of(
            "snat", Farm::snat,
            "dnat", Farm::dnat,
            "dsr", Farm::dsr,
            "stlsdnat", Farm::statelessDnat);

    /**
     * nftlb's local mode is not the library's: nftlb only filters traffic to a service of this
     * host (its farm chain has no forwarding), the library redirects to loopback backends.
     */
    private static final Map<String, String> DIFFERENT = Map.of("local",
            "nftlb's local mode filters traffic for a service of this host; the library's local mode redirects"
                    + " to loopback backends");

    private static final Map<String, Optional<String>> COMPILER_REFUSES = new ConcurrentHashMap<>();

    private Modes() {}

    /** The entry point of a mode, or null (reported in {@code problems}) when it is not supported. */
    static Function<String[], Farm> entry(String where, String mode, Problems problems) {
        if (DIFFERENT.containsKey(mode)) {
            problems.unsupported(where, "mode", mode, DIFFERENT.get(mode));
            return null;
        }
        Function<String[], Farm> entry = ENTRIES.get(mode);
        if (entry == null) {
            throw ConfigException.field(where, "mode", mode, "must be snat, dnat, dsr, stlsdnat or local");
        }
        Optional<String> refused = COMPILER_REFUSES.computeIfAbsent(mode, m -> trialCompile(entry));
        if (refused.isPresent()) {
            problems.unsupported(where, "mode", mode, refused.get());
            return null;
        }
        return entry;
    }

    private static Optional<String> trialCompile(Function<String[], Farm> entry) {
        try {
            Farm trial = entry.apply(new String[] {"192.0.2.1"}).named("trial").port(80);
            if (IngressCompiler.atIngress(trial)) { // dsr and stlsdnat: the netdev table, with a link layer
                String mac = "02:00:00:00:00:01";
                IngressCompiler.compile(List.of(), List.of(trial), List.of(DsrPath.of("trial").in("eth0", mac).out("eth0", mac)));
            } else {
                RulesetCompiler.compile(List.of(trial));
            }
            return Optional.empty();
        } catch (UnsupportedFeatureException e) {
            return Optional.of(e.getMessage().replace("farm \"trial\": ", ""));
        }
    }
}
