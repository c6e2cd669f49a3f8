/**
 * The planner: from the committed ruleset and the desired one, the smallest
 * {@link io.nftlb.core.ast.Transaction} that gets there, farm part by farm part
 * ({@link io.nftlb.core.plan.Planner}).
 */
package io.nftlb.core.plan;
