package io.nftlb.core.compile;

import io.nftlb.core.Forwarding;
import java.util.Optional;

/**
 * What this version of the compilers can turn into rules, for callers that map other
 * configurations (nftlb's JSON) onto farms and want to refuse a feature up front, by name,
 * rather than learn it from a failed compile.
 */
public final class Support {

    private Support() {}

    /**
     * Why farms that forward with {@code forwarding} cannot be compiled, or empty if they can:
     * DNAT, SNAT and local farms by {@link RulesetCompiler}, DSR and stateless DNAT farms at
     * ingress by {@link IngressCompiler}.
     *
     * @param forwarding the forwarding method of a farm
     * @return the reason it is not supported; empty when it is
     */
    public static Optional<String> forwarding(Forwarding forwarding) {
        return switch (forwarding) {
            case Forwarding.Dnat d -> Optional.empty();
            case Forwarding.Snat s -> Optional.empty();
            case Forwarding.Local l -> Optional.empty();
            case Forwarding.Host h -> Optional.empty();
            case Forwarding.Dsr d -> Optional.empty();
            case Forwarding.StatelessDnat s -> Optional.empty();
        };
    }
}
