/**
 * Health checks and dynamic weights for nftlb farms.
 *
 * <p>{@link io.nftlb.healthcheck.HealthMonitor} probes each backend with a
 * {@link io.nftlb.healthcheck.HealthCheck} (TCP, HTTP/HTTPS, UDP, ICMP, exec, SNMP, or your
 * own) under a {@link io.nftlb.healthcheck.CheckPolicy} (interval, timeout, rise, fall,
 * jitter), asks a {@link io.nftlb.healthcheck.WeightEstimator} for weights, and reports to a
 * {@link io.nftlb.healthcheck.BackendStateSink}. Probes can run from another network namespace
 * through a {@link io.nftlb.healthcheck.ProbeNetwork}. Time and scheduling are injectable
 * ({@link io.nftlb.core.runtime.TaskScheduler}); {@code io.nftlb.core.testing} has fakes.
 */
package io.nftlb.healthcheck;
