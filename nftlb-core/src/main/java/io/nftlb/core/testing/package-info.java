/**
 * Test support users ship with their own tests: an in-memory kernel, no root needed.
 *
 * <p>{@link io.nftlb.core.testing.FakeTransport} is a {@link io.nftlb.core.transport.Transport}
 * that applies transactions to a {@link io.nftlb.core.testing.RulesetModel}, which interprets
 * each operation as nf_tables does, with its errors (ENOENT, EEXIST, EBUSY), atomically. Give
 * it to a {@link io.nftlb.core.runtime.LoadBalancer}, or commit
 * {@link io.nftlb.core.plan.Planner} transactions to it, then read the tables back; make the
 * next commit fail with an errno, or hold commits to test what happens while one is in flight.
 */
package io.nftlb.core.testing;
