/**
 * How rulesets reach the kernel: {@link io.nftlb.core.ast.Transaction}s of
 * {@link io.nftlb.core.ast.Op}s committed atomically by a
 * {@link io.nftlb.core.transport.Transport} (netlink, or the nft command).
 */
package io.nftlb.core.transport;
