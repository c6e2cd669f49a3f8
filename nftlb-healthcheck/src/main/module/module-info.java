/**
 * Health checks (TCP, HTTP/HTTPS, ICMP, UDP, exec, SNMP), weight estimators and the monitor
 * that feeds their results to a {@link io.nftlb.core.runtime.LoadBalancer}.
 * {@code io.nftlb.healthcheck.testing} holds a fake clock and scheduler for users' tests.
 * Packages under {@code io.nftlb.healthcheck.internal} are not exported.
 */
module io.nftlb.healthcheck {
    requires transitive io.nftlb.core;
    requires org.slf4j;
    requires org.snmp4j;

    exports io.nftlb.healthcheck;
    exports io.nftlb.healthcheck.testing;
}
