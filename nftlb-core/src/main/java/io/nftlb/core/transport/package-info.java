/**
 * How rulesets reach the kernel: {@link io.nftlb.core.transport.Transaction}s of
 * {@link io.nftlb.core.transport.Op}s committed atomically by a
 * {@link io.nftlb.core.transport.Transport} (netlink, or the nft command).
 */
package io.nftlb.core.transport;
