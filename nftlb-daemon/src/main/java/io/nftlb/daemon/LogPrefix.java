package io.nftlb.daemon;

import io.nftlb.core.Policy;
import java.util.Set;

/**
 * nftlb's log prefix templates, expanded as nftlb expands them (its {@code src/nft.c},
 * {@code print_log_format}): each token is replaced wherever it occurs, one token after the
 * other in nftlb's order, so a name that contains a later token is replaced again as in nftlb.
 * A template is used exactly as written (nftlb adds nothing), and nftlb's defaults (its
 * {@code include/config.h}) end in a space, so a default line reads {@code "IN-lb01 ..."}.
 */
final class LogPrefix {

    /** A farm's {@code log-prefix} when it has none: {@code "IN-lb01 "}. */
    static final String FARM_DEFAULT = "TYPE-FNAME ";

    /** A policy's {@code log-prefix} when it has none: {@code "policy-BL-black001-lb01 "}. */
    static final String POLICY_DEFAULT = "KNAME-TYPE-PNAME-FNAME ";

    /**
     * The values of a farm's per-limit prefix fields that ask for nftlb's default, as written
     * without their trailing space: its code's ({@code "KNAME-FNAME "}, which its conformance
     * output shows as {@code "new-rtlimit-lb01 "}) and its README's.
     */
    static final Set<String> LIMIT_DEFAULTS = Set.of("", "KNAME-FNAME", "KNAME-TYPE-FNAME");

    /** The values of a backend's {@code est-connlimit-log-prefix} that ask for nftlb's default. */
    static final Set<String> BACKEND_DEFAULTS = Set.of("", "KNAME-FNAME-BNAME");

    private LogPrefix() {}

    /**
     * A farm's log prefix: {@code FNAME} is the farm's name, {@code KNAME} "log", {@code TYPE}
     * the chain's kind ({@code IN}, {@code FWD} or {@code OUT}).
     */
    static String farm(String template, String farm, String type) {
        return template.replace("FNAME", farm).replace("KNAME", "log").replace("TYPE", type);
    }

    /**
     * A policy's log prefix for one farm: {@code KNAME} is "policy", {@code FNAME} the farm,
     * {@code PNAME} the policy, {@code TYPE} {@code BL} (blacklist) or {@code WL} (whitelist).
     */
    static String policy(String template, String policy, Policy.Kind kind, String farm) {
        return template.replace("KNAME", "policy").replace("FNAME", farm).replace("PNAME", policy)
                .replace("TYPE", kind == Policy.Kind.BLACKLIST ? "BL" : "WL");
    }
}
