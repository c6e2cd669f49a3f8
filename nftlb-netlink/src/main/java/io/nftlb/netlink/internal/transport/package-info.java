/**
 * The parts of {@code NetlinkTransport}: the channel it speaks nf_tables over, the commit
 * protocol, the readback of tables, and the lookups it makes in its network namespace.
 */
package io.nftlb.netlink.internal.transport;
