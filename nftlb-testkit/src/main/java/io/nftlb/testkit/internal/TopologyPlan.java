package io.nftlb.testkit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Addresses, interface names and {@code ip -batch} scripts of a traffic topology; pure, so
 * the plan can be checked without root.
 *
 * <pre>
 *  client ns            balancer ns                          backend ns (one per backend)
 *  eth0 ---- veth ----- veth-client   br-backends --- veth-bI ----- eth0
 *  10.0.0.2/24          10.0.0.1/24   10.1.0.1/24                   10.1.0.(10+I)/24
 *  fd00::2/64           fd00::1/64    fd00:1::1/64                  fd00:1::(10+I)/64
 *  10.0.0.100.. extra sources
 * </pre>
 * IPv6 host parts reuse the IPv4 ones' decimal digits ({@code 10.1.0.11} is
 * {@code fd00:1::11}) so the two are easy to match by eye.
 *
 * @param backends the number of backends
 * @param clientAddresses the number of client source addresses per family
 * @param backendsRouteViaBalancer whether backends' default routes go through the balancer
 * @param ipv6 whether IPv6 addresses and routes are configured too
 * @param directToClient whether each backend also has a link straight to the client, for replies
 */
public record TopologyPlan(int backends, int clientAddresses, boolean backendsRouteViaBalancer, boolean ipv6,
                           boolean directToClient) {
    /** The balancer's interface facing the client. */
    public static final String BALANCER_CLIENT_INTERFACE = "veth-client";
    /** The balancer's bridge joining the backends. */
    public static final String BALANCER_BACKEND_BRIDGE = "br-backends";
    /** A backend's link straight to the client (with {@code directToClient}). */
    public static final String BACKEND_DIRECT_INTERFACE = "direct";
    /** The client's and every backend's only interface. */
    public static final String HOST_INTERFACE = "eth0";
    /** The most backends a topology may have. */
    public static final int MAX_BACKENDS = 64;
    /** The most client source addresses (per family). */
    public static final int MAX_CLIENT_ADDRESSES = 100;

    /** Checks the counts. */
    public TopologyPlan {
        if (backends < 1 || backends > MAX_BACKENDS) {
            throw new IllegalArgumentException("backends must be 1.." + MAX_BACKENDS + ": " + backends);
        }
        if (clientAddresses < 1 || clientAddresses > MAX_CLIENT_ADDRESSES) {
            throw new IllegalArgumentException("clientAddresses must be 1.." + MAX_CLIENT_ADDRESSES + ": "
                    + clientAddresses);
        }
    }

    /** A plan without direct links from backends to the client. */
    public TopologyPlan(int backends, int clientAddresses, boolean backendsRouteViaBalancer, boolean ipv6) {
        this(backends, clientAddresses, backendsRouteViaBalancer, ipv6, false);
    }

    /** The client's end of the direct link from backend {@code index}. */
    public static String clientDirectInterface(int index) {
        return "direct-b" + index;
    }

    /**
     * {@code ip -batch} lines for the client's direct links to the backends (with
     * {@code directToClient}; none otherwise), each peer created in its backend's namespace.
     */
    public List<String> clientDirectScript(List<String> backendNamespaces) {
        List<String> lines = new ArrayList<>();
        if (directToClient) {
            for (int i = 0; i < backends; i++) {
                lines.add("link add " + clientDirectInterface(i) + " type veth peer name " + BACKEND_DIRECT_INTERFACE
                        + " netns " + backendNamespaces.get(i));
                lines.add("link set " + clientDirectInterface(i) + " up");
            }
        }
        return lines;
    }

    /** The balancer's address facing the client. */
    public static String balancerClientSide(boolean v6) {
        return v6 ? "fd00::1" : "10.0.0.1";
    }

    /** The balancer's address facing the backends. */
    public static String balancerBackendSide(boolean v6) {
        return v6 ? "fd00:1::1" : "10.1.0.1";
    }

    /** The client's source addresses, primary first. */
    public List<String> clientAddresses(boolean v6) {
        List<String> addresses = new ArrayList<>();
        addresses.add(v6 ? "fd00::2" : "10.0.0.2");
        for (int extra = 0; extra < clientAddresses - 1; extra++) {
            addresses.add((v6 ? "fd00::" : "10.0.0.") + (100 + extra));
        }
        return addresses;
    }

    /** Backend {@code index}'s address. */
    public String backendAddress(int index, boolean v6) {
        return (v6 ? "fd00:1::" : "10.1.0.") + (10 + index);
    }

    /** The name of backend {@code index}. */
    public static String backendName(int index) {
        return "b" + index;
    }

    /** The balancer's bridge port towards backend {@code index}. */
    public static String balancerBackendPort(int index) {
        return "veth-b" + index;
    }

    /**
     * Sysctls (paths under {@code /proc/sys}, in order) for every namespace, to set before its interfaces exist (an interface copies
     * {@code conf/default} when created): reverse-path filtering off, so that asymmetric test
     * routes are never dropped silently; forwarding on for the balancer.
     */
    public static Map<String, String> sysctls(boolean balancer) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("net/ipv4/conf/all/rp_filter", "0");
        settings.put("net/ipv4/conf/default/rp_filter", "0");
        // No duplicate address detection: link-local addresses, which neighbour discovery
        // needs, would stay tentative (unusable) for a second or two after link up.
        settings.put("net/ipv6/conf/all/accept_dad", "0");
        settings.put("net/ipv6/conf/default/accept_dad", "0");
        if (balancer) {
            settings.put("net/ipv4/ip_forward", "1");
            settings.put("net/ipv6/conf/all/forwarding", "1");
            // The bridge stands for the backends' switch: frames it carries from one backend to
            // another must not pass the balancer's IP hooks. With br_netfilter loaded (docker loads
            // it) they would, by default in every namespace: conntrack would see backend-to-backend
            // replies, and a connection DNATed back to the port it came from would be bridged back
            // there (and dropped) instead of routed.
            settings.put(BRIDGE_NF_IPV4, "0");
            settings.put(BRIDGE_NF_IPV6, "0");
        }
        return Collections.unmodifiableMap(settings);
    }

    private static final String BRIDGE_NF_IPV4 = "net/bridge/bridge-nf-call-iptables";
    private static final String BRIDGE_NF_IPV6 = "net/bridge/bridge-nf-call-ip6tables";

    /** Whether a sysctl of {@link #sysctls} exists only with some module loaded (br_netfilter): skip it when absent. */
    public static boolean whereAvailable(String path) {
        return path.equals(BRIDGE_NF_IPV4) || path.equals(BRIDGE_NF_IPV6);
    }

    /**
     * {@code ip -batch} lines for the balancer: it creates every veth pair, with the peer
     * directly in the client's or backend's namespace (no name ever lives in the root one).
     */
    public List<String> balancerScript(String clientNamespace, List<String> backendNamespaces) {
        List<String> lines = new ArrayList<>();
        lines.add("link set lo up");
        lines.add("link add " + BALANCER_CLIENT_INTERFACE + " type veth peer name " + HOST_INTERFACE + " netns "
                + clientNamespace);
        // No STP and no multicast snooping: ports forward at once and neighbour discovery is never filtered.
        lines.add("link add " + BALANCER_BACKEND_BRIDGE + " type bridge forward_delay 0 stp_state 0 mcast_snooping 0");
        for (int i = 0; i < backends; i++) {
            String port = balancerBackendPort(i);
            lines.add("link add " + port + " type veth peer name " + HOST_INTERFACE + " netns " + backendNamespaces.get(i));
            lines.add("link set " + port + " master " + BALANCER_BACKEND_BRIDGE);
            lines.add("link set " + port + " up");
        }
        lines.add("addr add " + balancerClientSide(false) + "/24 dev " + BALANCER_CLIENT_INTERFACE);
        lines.add("addr add " + balancerBackendSide(false) + "/24 dev " + BALANCER_BACKEND_BRIDGE);
        if (ipv6) {
            // nodad: usable at once, instead of tentative for a second or two.
            lines.add("addr add " + balancerClientSide(true) + "/64 dev " + BALANCER_CLIENT_INTERFACE + " nodad");
            lines.add("addr add " + balancerBackendSide(true) + "/64 dev " + BALANCER_BACKEND_BRIDGE + " nodad");
        }
        lines.add("link set " + BALANCER_CLIENT_INTERFACE + " up");
        lines.add("link set " + BALANCER_BACKEND_BRIDGE + " up");
        return lines;
    }

    /** {@code ip -batch} lines for the client: its addresses and default routes via the balancer. */
    public List<String> clientScript() {
        List<String> lines = new ArrayList<>(List.of("link set lo up", "link set " + HOST_INTERFACE + " up"));
        clientAddresses(false).forEach(a -> lines.add("addr add " + a + "/24 dev " + HOST_INTERFACE));
        lines.add("route add default via " + balancerClientSide(false));
        if (ipv6) {
            clientAddresses(true).forEach(a -> lines.add("addr add " + a + "/64 dev " + HOST_INTERFACE + " nodad"));
            lines.add("route add default via " + balancerClientSide(true));
        }
        return lines;
    }

    /**
     * {@code ip -batch} lines for backend {@code index}: its address, and default routes via
     * the balancer only if replies are meant to go back through it.
     */
    public List<String> backendScript(int index) {
        List<String> lines = new ArrayList<>(List.of("link set lo up", "link set " + HOST_INTERFACE + " up"));
        lines.add("addr add " + backendAddress(index, false) + "/24 dev " + HOST_INTERFACE);
        if (ipv6) {
            lines.add("addr add " + backendAddress(index, true) + "/64 dev " + HOST_INTERFACE + " nodad");
        }
        if (directToClient) {
            lines.add("link set " + BACKEND_DIRECT_INTERFACE + " up");
            lines.add("route add " + clientNetwork() + " dev " + BACKEND_DIRECT_INTERFACE);
        }
        if (backendsRouteViaBalancer) {
            lines.add("route add default via " + balancerBackendSide(false));
            if (ipv6) {
                lines.add("route add default via " + balancerBackendSide(true));
            }
        }
        return lines;
    }

    /** The client's IPv4 network. */
    public static String clientNetwork() {
        return "10.0.0.0/24";
    }
}
