/**
 * nft text of AST values: {@link io.nftlb.core.render.NftText} renders rulesets, tables and
 * transactions deterministically, in the form {@code nft -f} loads.
 */
package io.nftlb.core.render;
