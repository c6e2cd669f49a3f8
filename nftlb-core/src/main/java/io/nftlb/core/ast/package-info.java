/**
 * The nftables AST: tables, chains, sets and maps, rules of statements and expressions, in
 * terms close to the nft language. Immutable records; sealed hierarchies so that every
 * consumer (the text renderer, the netlink linearizer) handles every node.
 */
package io.nftlb.core.ast;
