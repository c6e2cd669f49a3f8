package io.nftlb.healthcheck;

import io.nftlb.healthcheck.internal.ExecCheck;
import io.nftlb.healthcheck.internal.HttpCheck;
import io.nftlb.healthcheck.internal.IcmpCheck;
import io.nftlb.healthcheck.internal.NamedCheck;
import io.nftlb.healthcheck.internal.SnmpCheck;
import io.nftlb.healthcheck.internal.TcpCheck;
import io.nftlb.healthcheck.internal.UdpCheck;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Probes one backend once. Implementations may block (the monitor calls them on virtual
 * threads) and may throw: the monitor turns an exception, a null result or a probe that takes
 * longer than {@link Target#timeout()} into a DOWN result naming the check, so a broken check
 * cannot stop the monitor. Create sockets and processes through {@link Target#network()}.
 *
 * <p>The check's {@code toString()} names it in logs; give lambdas a name with
 * {@link #named(String, HealthCheck)}.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Probes {@code target} once. */
    HealthResult probe(Target target) throws Exception;

    /** Up when a TCP connection opens within the timeout. */
    static HealthCheck tcp() {
        return TcpCheck.INSTANCE;
    }

    /**
     * Up when a TCP connection opens and the server's first line matches {@code regex} (for
     * protocols where the server speaks first: SMTP, FTP, SSH...). Its latency includes the
     * server's answer, which least-response-time weighs.
     */
    static HealthCheck tcpBanner(String regex) {
        return new io.nftlb.healthcheck.internal.TcpBannerCheck(java.util.regex.Pattern.compile(regex));
    }

    /** An HTTP or HTTPS request (HTTP/1.1, {@code Connection: close}). */
    static HealthCheck http(HttpSpec spec) {
        return new HttpCheck(spec);
    }

    /**
     * Sends {@code request} in one UDP datagram and is up when a reply arrives within the
     * timeout in which {@code expectedReply} is found (the reply read as ISO-8859-1). An ICMP
     * port unreachable is down at once.
     */
    static HealthCheck udp(byte[] request, Pattern expectedReply) {
        return new UdpCheck(request, expectedReply);
    }

    /**
     * One ICMP echo, by running {@code ping -c 1 -n -W <seconds>} (package iputils-ping) in the
     * probe network: Java has no raw sockets, and ping has the capability to open them.
     */
    static HealthCheck icmp() {
        return IcmpCheck.INSTANCE;
    }

    /**
     * Runs a command (as keepalived's MISC_CHECK): up when it exits 0 within the timeout,
     * killed and down otherwise. Arguments may contain {@code {address}}, {@code {port}},
     * {@code {backend}} and {@code {farm}}, replaced by the target's. The command is not run
     * through a shell, and it starts in the probe network's namespace.
     */
    static HealthCheck exec(List<String> command) {
        return new ExecCheck(command);
    }

    /**
     * An SNMP v2c GET of the CPU load (UCD-SNMP-MIB {@code ssCpuIdle.0}, falling back to
     * {@code laLoad.1} divided by the processor count from HOST-RESOURCES-MIB): up when the agent
     * answers; the result carries the load in [0, 1] for {@link WeightEstimator#leastCpuLoad()}.
     * Probe the agent's port with {@link CheckPolicy#port(int)} (usually 161).
     */
    static HealthCheck snmp(String community) {
        return new SnmpCheck(community);
    }

    /** {@code check} named {@code name} in logs and state changes. */
    static HealthCheck named(String name, HealthCheck check) {
        return new NamedCheck(name, check);
    }
}
