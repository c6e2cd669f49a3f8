package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyPlanTest {

    @Test
    void addressesFollowThePlan() {
        TopologyPlan plan = new TopologyPlan(3, 3, true, true);

        assertEquals(List.of("10.0.0.2", "10.0.0.100", "10.0.0.101"), plan.clientAddresses(false));
        assertEquals(List.of("fd00::2", "fd00::100", "fd00::101"), plan.clientAddresses(true));
        assertEquals("10.1.0.12", plan.backendAddress(2, false));
        assertEquals("fd00:1::12", plan.backendAddress(2, true));
        assertEquals("b2", TopologyPlan.backendName(2));
    }

    @Test
    void theBalancerCreatesEveryVethWithItsPeerInTheOtherNamespace() {
        TopologyPlan plan = new TopologyPlan(2, 1, true, true);

        List<String> script = plan.balancerScript("nsc", List.of("ns0", "ns1"));

        assertTrue(script.contains("link add veth-client type veth peer name eth0 netns nsc"), script.toString());
        assertTrue(script.contains("link add veth-b1 type veth peer name eth0 netns ns1"), script.toString());
        assertTrue(script.contains("link set veth-b1 master br-backends"), script.toString());
        assertTrue(script.contains("addr add fd00:1::1/64 dev br-backends nodad"), script.toString());
        assertTrue(script.stream().allMatch(line -> line.split(" ").length > 2), "no empty lines");
        // Linux interface names have at most 15 characters.
        assertTrue(TopologyPlan.balancerBackendPort(TopologyPlan.MAX_BACKENDS - 1).length() <= 15);
    }

    @Test
    void backendsRouteViaTheBalancerOnlyWhenAsked() {
        List<String> via = new TopologyPlan(1, 1, true, true).backendScript(0);
        List<String> none = new TopologyPlan(1, 1, false, true).backendScript(0);

        assertTrue(via.contains("route add default via 10.1.0.1"), via.toString());
        assertTrue(via.contains("route add default via fd00:1::1"), via.toString());
        assertFalse(none.stream().anyMatch(line -> line.startsWith("route")), none.toString());
    }

    @Test
    void withoutIpv6NoIpv6AddressIsConfigured() {
        TopologyPlan plan = new TopologyPlan(1, 2, true, false);

        assertFalse(plan.clientScript().stream().anyMatch(line -> line.contains("fd00")), plan.clientScript().toString());
        assertFalse(plan.backendScript(0).stream().anyMatch(line -> line.contains("fd00")));
    }

    @Test
    void onlyTheBalancerForwards() {
        assertEquals("1", TopologyPlan.sysctls(true).get("net/ipv4/ip_forward"));
        assertEquals("1", TopologyPlan.sysctls(true).get("net/ipv6/conf/all/forwarding"));
        assertFalse(TopologyPlan.sysctls(false).containsKey("net/ipv4/ip_forward"));
        assertEquals("0", TopologyPlan.sysctls(false).get("net/ipv4/conf/default/rp_filter"));
    }

    @Test
    void countsAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new TopologyPlan(0, 1, true, true));
        assertThrows(IllegalArgumentException.class, () -> new TopologyPlan(TopologyPlan.MAX_BACKENDS + 1, 1, true, true));
        assertThrows(IllegalArgumentException.class, () -> new TopologyPlan(1, 0, true, true));
        assertThrows(IllegalArgumentException.class,
                () -> new TopologyPlan(1, TopologyPlan.MAX_CLIENT_ADDRESSES + 1, true, true));
    }
}
