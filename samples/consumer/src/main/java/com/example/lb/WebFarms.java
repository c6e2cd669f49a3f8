package com.example.lb;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import java.util.List;

/** The farms of a user's control plane, and their nftables text. */
public final class WebFarms {

    private WebFarms() {}

    /** HTTP on 10.0.0.40, round robin over two backends. */
    public static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
    }

    /** The ruleset of {@link #web()} as nft text (what {@code nft -f} would load). */
    public static String render() {
        return NftText.render(RulesetCompiler.compile(List.of(web())).ruleset());
    }
}
