/**
 * Health checks (TCP, HTTP/HTTPS, ICMP, UDP, exec, SNMP), weight estimators and the monitor
 * that feeds their results to a {@link io.nftlb.core.runtime.LoadBalancer}.
 * Its timers are core's {@link io.nftlb.core.runtime.TaskScheduler}; {@code io.nftlb.core.testing}
 * holds a fake clock and scheduler for users' tests.
 * Packages under {@code io.nftlb.healthcheck.internal} are not exported.
 */
module io.nftlb.healthcheck {
    requires transitive io.nftlb.core;
    requires org.slf4j;
    requires org.snmp4j;

    exports io.nftlb.healthcheck;
}
