/**
 * The compilers: farms to nftables tables. {@link io.nftlb.core.compile.RulesetCompiler}
 * builds the {@code inet nftlb} table of the farms that go through conntrack,
 * {@link io.nftlb.core.compile.IngressCompiler} the {@code netdev nftlb} table of policies,
 * DSR and stateless DNAT farms, and {@link io.nftlb.core.compile.Support} says what they can
 * compile.
 */
package io.nftlb.core.compile;
