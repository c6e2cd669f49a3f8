/**
 * The runtime: a {@link io.nftlb.core.runtime.LoadBalancer} owns the desired farms, and
 * commits every change to the kernel as one small atomic transaction, coalescing bursts.
 */
package io.nftlb.core.runtime;
