/**
 * An nftlb-compatible daemon (nftlb's JSON configuration and HTTP API) on the library. It is
 * an application: it exports nothing; run {@code io.nftlb.daemon.Main}.
 */
module io.nftlb.daemon {
    requires io.nftlb.core;
    requires io.nftlb.netlink;
    requires io.nftlb.micrometer;
    requires micrometer.registry.prometheus;
    requires com.fasterxml.jackson.databind;
    requires com.google.common;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.util;
    requires org.slf4j;
}
