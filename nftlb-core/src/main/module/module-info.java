/**
 * Farms, the nftables AST, the compiler, the renderer, the planner and the runtime.
 *
 * <p>Start with {@link io.nftlb.core.Farm}; compile farms with
 * {@link io.nftlb.core.compile.RulesetCompiler}, render them with
 * {@link io.nftlb.core.render.NftText}, and keep them applied with
 * {@link io.nftlb.core.runtime.LoadBalancer} over a {@link io.nftlb.core.transport.Transport}.
 * Packages under {@code io.nftlb.core.internal} are not exported and may change in any release.
 */
module io.nftlb.core {
    requires com.google.common;
    requires org.slf4j;

    exports io.nftlb.core;
    exports io.nftlb.core.ast;
    exports io.nftlb.core.compile;
    exports io.nftlb.core.nftcli;
    exports io.nftlb.core.plan;
    exports io.nftlb.core.render;
    exports io.nftlb.core.runtime;
    exports io.nftlb.core.testing;
    exports io.nftlb.core.transport;
}
