/**
 * Micrometer meter binders: {@link io.nftlb.micrometer.LoadBalancerMetrics} for a load
 * balancer (commits, drift checks, and per farm and backend state, weight and conntrack
 * counters) and {@link io.nftlb.micrometer.HealthMetrics} for a health monitor.
 */
module io.nftlb.micrometer {
    requires transitive io.nftlb.core;
    requires transitive io.nftlb.healthcheck;
    requires transitive micrometer.core;
    requires org.slf4j;

    exports io.nftlb.micrometer;
}
