/**
 * The planner's internals, not exported: the skeleton of shared sets and base chains, the
 * per-farm incremental planner the runtime calls, and the table planner of the ingress table.
 */
package io.nftlb.core.internal.plan;
