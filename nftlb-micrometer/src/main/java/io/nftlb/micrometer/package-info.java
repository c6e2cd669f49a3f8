/**
 * Micrometer meter binders for a {@link io.nftlb.core.runtime.LoadBalancer} and a
 * {@link io.nftlb.healthcheck.HealthMonitor}; the meters they register are listed in
 * {@link io.nftlb.micrometer.MeterNames}.
 */
package io.nftlb.micrometer;
