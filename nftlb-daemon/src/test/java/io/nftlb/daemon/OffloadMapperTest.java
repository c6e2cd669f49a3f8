package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.FlowOffload;
import io.nftlb.core.Farm;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** nftlb's flow-offload: the farm offloads on the devices its packets cross. */
class OffloadMapperTest {

    static String config(String mode, String fields) {
        return """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "%s",
                  "protocol": "tcp", %s
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}, {"name": "b1", "ip-addr": "10.2.0.11"}]}]}"""
                .formatted(mode, fields);
    }

    static Farm farm(String fields, DeviceFinder finder) {
        return ConfigMapper.mapAll(ConfigMapper.parse(config("snat", fields)), finder).farms().get(0);
    }

    @Test
    void ifaceAndOfaceAreTheDevices() {
        Farm f = farm("\"flow-offload\": \"on\", \"iface\": \"eth0\", \"oface\": \"eth1\",", DeviceFinder.none());
        assertEquals(Optional.of(new FlowOffload(List.of("eth0", "eth1"))), f.flowOffload());
    }

    /** Without iface and oface: where the VIP is, and the routes to each backend, as ip would tell. */
    @Test
    void otherwiseTheDevicesOfTheVirtualAddressAndOfTheBackends() {
        Map<String, String> routes = Map.of("10.0.0.40", "eth0", "10.1.0.10", "eth1", "10.2.0.11", "eth2");
        DeviceFinder byTable = address -> Optional.ofNullable(routes.get(address.getHostAddress()));
        assertEquals(Optional.of(new FlowOffload(List.of("eth0", "eth1", "eth2"))),
                farm("\"flow-offload\": \"on\",", byTable).flowOffload());
    }

    @Test
    void offIsNoOffload() {
        assertEquals(Optional.empty(), farm("\"flow-offload\": \"off\", ", DeviceFinder.none()).flowOffload());
    }

    @Test
    void withoutDevicesOrInAModeThatIsNotForwardedItIsReported() {
        assertEquals(List.of("farm \"lb01\": field \"flow-offload\" = \"on\" is not supported (the library offloads on"
                        + " the devices the farm's packets cross: give iface and oface, or run where ip finds them)"),
                assertThrows(UnsupportedFieldsException.class, () -> farm("\"flow-offload\": \"on\",",
                        DeviceFinder.none())).problems());
        String dsr = """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dsr",
                  "iface": "eth0", "ether-addr": "02:00:00:00:00:01", "flow-offload": "on",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "02:00:00:00:01:10"}]}]}""";
        assertEquals(List.of("farm \"lb01\": field \"flow-offload\" = \"on\" is not supported (farm \"lb01\": flow"
                        + " offload needs forwarded connections (dnat or snat), not dsr forwarding)"),
                assertThrows(UnsupportedFieldsException.class, () -> ConfigMapper.mapAll(ConfigMapper.parse(dsr),
                        DeviceFinder.none())).problems());
    }

    @Test
    void aValueOtherThanOnOrOffNamesTheField() {
        assertEquals("farm \"lb01\": field \"flow-offload\" = \"yes\" must be on or off",
                assertThrows(ConfigException.class, () -> farm("\"flow-offload\": \"yes\",", DeviceFinder.none()))
                        .getMessage());
    }

}
