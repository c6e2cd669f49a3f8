package io.nftlb.core;

import java.util.List;

/**
 * A conntrack helper: it reads a protocol's control connection and lets the data connections it
 * announces (FTP's passive port, a SIP call's media) through the balancer and its NAT.
 */
public enum Helper {
    FTP("ftp", List.of(Protocol.TCP), true),
    SIP("sip", List.of(Protocol.TCP, Protocol.UDP), true),
    TFTP("tftp", List.of(Protocol.UDP), true),
    /** IPv4 only: the kernel has no IPv6 PPTP helper. */
    PPTP("pptp", List.of(Protocol.TCP), false),
    /** IPv4 only: the kernel has no IPv6 SNMP helper. */
    SNMP("snmp", List.of(Protocol.UDP), false);

    private final String kernelName;
    private final List<Protocol> protocols;
    private final boolean ipv6;

    Helper(String kernelName, List<Protocol> protocols, boolean ipv6) {
        this.kernelName = kernelName;
        this.protocols = protocols;
        this.ipv6 = ipv6;
    }

    /** The kernel's name of the helper ({@code ct helper} type). */
    public String kernelName() {
        return kernelName;
    }

    /** The transport protocols the helper reads. */
    public List<Protocol> protocols() {
        return protocols;
    }

    /** Whether the kernel has it for IPv6 too. */
    public boolean ipv6() {
        return ipv6;
    }
}
