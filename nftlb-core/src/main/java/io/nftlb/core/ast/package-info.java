/**
 * The nftables AST: tables, chains, sets and maps, rules of statements and expressions, in
 * terms close to the nft language. Immutable records; sealed hierarchies so that every
 * consumer (the text renderer, the netlink linearizer) handles every node.
 *
 * <p>Changes to a ruleset are AST values too: a {@link io.nftlb.core.ast.Transaction} is an
 * ordered list of {@link io.nftlb.core.ast.Op}s on tables named by a
 * {@link io.nftlb.core.ast.TableRef}, which a transport commits atomically.
 */
package io.nftlb.core.ast;
