/**
 * A {@link io.nftlb.core.transport.Transport} that commits through the {@code nft} command
 * ({@link io.nftlb.core.nftcli.NftCliTransport}): the fallback where netlink is not wanted,
 * and a test oracle.
 */
package io.nftlb.core.nftcli;
