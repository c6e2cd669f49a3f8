package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.Policy;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.core.Scheduler.HashField;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConfigMapperTest {

    @Test
    void theProjectsExampleMapsFieldByField() throws IOException {
        List<Farm> farms = ConfigMapper.map(ConfigMapper.parse(resource("examples/web.json")));
        assertEquals(2, farms.size(), farms.toString());
        Farm web = farms.get(0);
        assertEquals("web", web.name());
        assertEquals(List.of(PortRange.of(80), new PortRange(8080, 8081)), web.ports());
        assertEquals("dnat", web.forwarding().keyword());
        assertEquals(new Scheduler.Weighted(), web.scheduler());
        assertEquals(new Persistence(Persistence.Key.SOURCE_ADDRESS, Duration.ofSeconds(120)), web.persistence().orElseThrow());
        assertEquals(0x100, web.packetMark().orElseThrow());
        Backend b1 = web.backend("b1").orElseThrow();
        assertEquals(1, b1.weight());
        assertEquals(7, b1.packetMark().orElseThrow());
        Backend spare = web.backend("spare").orElseThrow();
        assertEquals(List.of(8080, 2, BackendState.OFF), List.of(spare.port().getAsInt(), spare.priority(), spare.state()));
        assertEquals(Map.of(InetAddress.getByName("10.0.0.100"), "b1"), web.staticSessions());
        Farm dns = farms.get(1);
        assertEquals(Protocol.UDP, dns.protocol());
        assertEquals(new Scheduler.Hash(List.of(HashField.SOURCE_ADDRESS, HashField.SOURCE_PORT), 0), dns.scheduler());
        assertEquals("snat (masquerade)", dns.forwarding().keyword());
    }

    @Test
    void everyUnsupportedFieldIsReportedWithItsFarmAndValue() {
        UnsupportedFieldsException e = assertThrows(UnsupportedFieldsException.class, () -> ConfigMapper.map(
                ConfigMapper.parse("""
                        {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "snat", "queue": "3",
                          "log": "none", "flow-offload": "off", "colour": "blue",
                          "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "speed": "fast"}]}]}""")));
        assertEquals(List.of(
                "farm \"lb01\": backend \"b0\": field \"speed\" = \"fast\" is not supported (unknown field)",
                "farm \"lb01\": field \"colour\" = \"blue\" is not supported (unknown field)"), e.problems());
    }

    /**
     * nftlb's queue is the library's NFQUEUE with bypass, as nftlb's {@code queue num N bypass};
     * applying it fails on this kernel (no CONFIG_NFT_QUEUE), so the mapping is all there is to
     * test here.
     */
    @Test
    void aQueueNumberBecomesTheFarmsNfqueueWithBypass() {
        Farm queued = LimitFieldsTest.farm("\"queue\": \"3\",");
        assertEquals(java.util.OptionalInt.of(3), queued.inspection().queue());
        assertTrue(queued.inspection().bypass(), "nftlb queues with bypass");
        assertEquals(io.nftlb.core.Inspection.none(), LimitFieldsTest.farm("\"queue\": \"-1\",").inspection());
        assertEquals(io.nftlb.core.Inspection.none(),
                LimitFieldsTest.farm("\"protocol\": \"udp\", \"queue\": \"3\",").inspection(),
                "nftlb queues TCP SYNs only: nothing of a udp farm");
        assertEquals("farm \"lb01\": field \"queue\" = \"65536\" must be -1 (off) or a queue number 0..65535",
                LimitFieldsTest.malformed("\"queue\": \"65536\","));
        assertEquals("farm \"lb01\": field \"queue\" = \"first\" is not a number",
                LimitFieldsTest.malformed("\"queue\": \"first\","));
    }

    @Test
    void intraConnectBalancesTheHostsOwnConnections() {
        assertTrue(LimitFieldsTest.farm("\"intra-connect\": \"on\",").intraConnect());
        assertFalse(LimitFieldsTest.farm("\"intra-connect\": \"off\",").intraConnect());
        assertFalse(LimitFieldsTest.farm("").intraConnect(), "off by default, as in nftlb");
        assertEquals("farm \"lb01\": field \"intra-connect\" = \"yes\" must be on or off",
                LimitFieldsTest.malformed("\"intra-connect\": \"yes\","));
        assertEquals(List.of("farm \"lb01\": field \"intra-connect\" = \"on\" is not supported (a dsr farm is"
                        + " served at ingress, which the balancer's own packets never pass)"),
                assertThrows(UnsupportedFieldsException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                        {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dsr", "intra-connect": "on",
                          "iface": "eth0", "ether-addr": "02:00:00:00:00:01",
                          "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "02:00:00:00:00:02"}]}]}""")))
                        .problems());
    }

    @Test
    void aFarmServesTheAddressesItNamesWhenTheyShareItsPortsAndProtocol() throws Exception {
        String addresses = """
                "addresses": [{"name": "a1", "ip-addr": "10.0.0.41", "ports": "80,443", "protocol": "tcp"},
                              {"name": "a2", "ip-addr": "10.0.0.42", "ports": "80,443"},
                              {"name": "dns", "ip-addr": "10.0.0.53", "ports": "53", "protocol": "udp"}]""";
        Farm farm = ConfigMapper.map(ConfigMapper.parse("{" + addresses + """
                , "farms": [{"name": "web", "mode": "dnat", "addresses": [{"name": "a1"}, {"name": "a2"}]}]}""")).get(0);
        assertEquals(List.of(InetAddress.getByName("10.0.0.41"), InetAddress.getByName("10.0.0.42")), farm.addresses());
        assertEquals(List.of(PortRange.of(80), PortRange.of(443)), farm.ports());
        UnsupportedFieldsException mixed = assertThrows(UnsupportedFieldsException.class, () -> ConfigMapper.map(
                ConfigMapper.parse("{" + addresses + """
                        , "farms": [{"name": "web", "mode": "dnat", "addresses": [{"name": "a1"}, {"name": "dns"}]}]}""")));
        assertEquals(1, mixed.problems().size(), mixed.getMessage());
        assertTrue(mixed.problems().get(0).startsWith(
                "farm \"web\": field \"addresses\" = \"a1,dns\" is not supported (a farm's addresses must share"),
                mixed.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "web", "mode": "dnat", "addresses": [{"name": "nowhere"}]}]}""")));
        assertEquals("farm \"web\": address \"nowhere\" does not exist", unknown.getMessage());
    }

    @Test
    void aFarmThatIsNotUpIsKeptOutOfTheKernel() {
        assertEquals(List.of(), ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat", "state": "down"}]}""")));
    }

    @Test
    void aMalformedValueNamesItsFieldAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "weight": "heavy"}]}]}""")));
        assertEquals("farm \"lb01\": backend \"b0\": field \"weight\" = \"heavy\" is not a number", e.getMessage());
        ConfigException weight = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "weight": "-1"}]}]}""")));
        assertEquals("farm \"lb01\": backend \"b0\": weight -1 must be >= 0", weight.getMessage());
        ConfigException vip = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "lb.example", "mode": "dnat"}]}""")));
        assertEquals("farm \"lb01\": field \"virtual-addr\" = \"lb.example\" is not an IP address", vip.getMessage());
        ConfigException ports = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat", "virtual-ports": "90-80"}]}""")));
        assertTrue(ports.getMessage().startsWith("farm \"lb01\": field \"virtual-ports\" = \"90-80\" is not a port list"),
                ports.getMessage());
    }

    @Test
    void aDsrFarmsLinkLayerComesFromIfaceOfaceAndEtherAddr() {
        ConfigMapper.Mapped m = ConfigMapper.mapAll(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dsr",
                  "iface": "eth0", "oface": "eth1", "ether-addr": "0A:00:00:00:00:01",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "0a:00:00:00:01:10"},
                               {"name": "b1", "ip-addr": "10.1.0.11", "ether-addr": "0a:00:00:00:01:11"}]},
                 {"name": "lb02", "virtual-addr": "10.0.0.41", "mode": "stlsdnat", "iface": "eth0",
                  "ether-addr": "0a:00:00:00:00:01",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "0a:00:00:00:01:10"}]}]}"""), DeviceFinder.none());
        assertEquals(Farm.dsr("10.0.0.40").port(80).named("lb01").roundRobin(Backend.of("b0", "10.1.0.10"),
                Backend.of("b1", "10.1.0.11")), m.farms().get(0));
        assertEquals(DsrPath.of("lb01").in("eth0", "0a:00:00:00:00:01").out("eth1", "0a:00:00:00:00:01")
                .backend("b0", "0a:00:00:00:01:10").backend("b1", "0a:00:00:00:01:11"), m.paths().get("lb01"));
        // oface defaults to iface, as in nftlb
        assertEquals(DsrPath.of("lb02").in("eth0", "0a:00:00:00:00:01").out("eth0", "0a:00:00:00:00:01")
                .backend("b0", "0a:00:00:00:01:10"), m.paths().get("lb02"));
    }

    /** A stlsdnat farm keeps its persistence and static sessions (by address, by address and port), as nftlb does. */
    @Test
    void aStatelessDnatFarmsPersistenceAndSessionsMap() {
        ConfigMapper.Mapped m = ConfigMapper.mapAll(ConfigMapper.parse("""
                {"farms": [{"name": "lb02", "virtual-addr": "10.0.0.41", "virtual-ports": "80", "mode": "stlsdnat",
                  "iface": "eth0", "ether-addr": "0a:00:00:00:00:01", "persistence": "srcip", "persist-ttl": "120",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "0a:00:00:00:01:10"},
                               {"name": "b1", "ip-addr": "10.1.0.11", "ether-addr": "0a:00:00:00:01:11"}],
                  "sessions": [{"client": "192.0.2.7", "backend": "b1"},
                               {"client": "192.0.2.8 . 40000", "backend": "b0"}]}]}"""), DeviceFinder.none());
        assertEquals(Farm.statelessDnat("10.0.0.41").port(80).named("lb02").roundRobin(Backend.of("b0", "10.1.0.10"),
                        Backend.of("b1", "10.1.0.11")).persistent(java.time.Duration.ofSeconds(120))
                .staticSession("192.0.2.7", "b1").staticSession("192.0.2.8", 40000, "b0"), m.farms().get(0));
    }

    @Test
    void aDsrFarmWithoutMacsNamesTheFieldAndAnotherModeReportsLinkLayerFields() {
        ConfigException noMac = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dsr", "iface": "eth0",
                  "ether-addr": "0a:00:00:00:00:01", "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""")));
        assertEquals("farm \"lb01\": backend \"b0\": field \"ether-addr\" = \"\" is required for modes dsr and stlsdnat"
                + " (the daemon does not read MACs from devices)", noMac.getMessage());
        ConfigException badMac = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dsr", "iface": "eth0",
                  "ether-addr": "0a:00:00:00:01"}]}""")));
        assertTrue(badMac.getMessage().startsWith("farm \"lb01\": ") && badMac.getMessage().contains("0a:00:00:00:01"),
                badMac.getMessage());
        // nftlb's snat and dnat rules do not read the link layer (conformance case 019): nothing changes.
        String plain = """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "snat", "iface": "eth0",
                  "oface": "eth1", "ether-addr": "0a:00:00:00:00:01",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "0a:00:00:00:01:10"}]}]}""";
        assertEquals(ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "snat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""")), ConfigMapper.map(ConfigMapper.parse(plain)));
    }

    @Test
    void aFarmsPoliciesBecomeOnePolicyPerFarmOnItsDevice() {
        String config = """
                {"policies": [{"name": "black001", "type": "blacklist", "priority": "1",
                               "elements": [{"data": "192.168.200.100"}, {"data": "192.168.40.100/24"}]},
                              {"name": "white6", "type": "whitelist", "family": "ipv6",
                               "elements": [{"data": "2001:db8::/32"}]}],
                 "farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                            "policies": [{"name": "black001"}, {"name": "white6"}]},
                           {"name": "lb02", "virtual-addr": "10.0.0.41", "mode": "snat", "iface": "eth7",
                            "policies": [{"name": "black001"}]}]}""";
        ConfigMapper.Mapped m = ConfigMapper.mapAll(ConfigMapper.parse(config),
                a -> Optional.of(a.getHostAddress().equals("10.0.0.40") ? "eth1" : "none"));
        assertEquals(Map.of(
                "black001-lb01", Policy.blacklist("black001-lb01").on("eth1").forFarm("lb01")
                        .networks("192.168.40.0/24", "192.168.200.100").log("policy-BL-black001-lb01 "),
                "white6-lb01", Policy.whitelist("white6-lb01").on("eth1").forFarm("lb01").networks("2001:db8::/32")
                        .log("policy-WL-white6-lb01 "),
                "black001-lb02", Policy.blacklist("black001-lb02").on("eth7").forFarm("lb02")
                        .networks("192.168.40.0/24", "192.168.200.100").log("policy-BL-black001-lb02 ")),
                m.policies(), "host bits cleared as nftlb does; a farm's iface names the device, else it is found;"
                        + " drops logged with nftlb's default prefix");
    }

    @Test
    void policyMistakesNameTheirFieldAndWhatTheLibraryLacksIsReported() {
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "policies": [{"name": "nope"}]}]}""")));
        assertEquals("farm \"lb01\": field \"policies\" = \"nope\" names no policy of the configuration",
                unknown.getMessage());
        ConfigException family = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"policies": [{"name": "b", "type": "blacklist", "elements": [{"data": "2001:db8::1"}]}]}""")));
        assertEquals("policy \"b\": field \"elements\" = \"2001:db8::1\" is not of the policy's family ipv4 (the default)",
                family.getMessage());
        ConfigException timeout = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"policies": [{"name": "b", "type": "blacklist", "timeout": "soon"}]}""")));
        assertEquals("policy \"b\": field \"timeout\" = \"soon\" is not a number", timeout.getMessage());
        UnsupportedFieldsException e = assertThrows(UnsupportedFieldsException.class, () -> ConfigMapper.map(
                ConfigMapper.parse("""
                        {"policies": [{"name": "b", "type": "blacklist", "timeout": "5", "elements": []}],
                         "farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                                    "policies": [{"name": "b"}]}]}""")));
        assertEquals(List.of("farm \"lb01\": field \"policies\" = \"b\" is not supported (no device holds or"
                + " routes 10.0.0.40; give the farm's iface)"), e.problems());
    }

    /** Each nftlb case maps, or reports exactly the fields listed for it in conformance-unsupported.txt (devices found: lo). */
    @Test
    void everyConformanceCaseMapsOrReportsExactlyItsUnsupportedFields() throws IOException {
        Map<String, Set<String>> expected = expectedUnsupported();
        List<Path> cases = ConformanceCases.all();
        assertEquals(expected.keySet(), new TreeSet<>(cases.stream().map(p -> p.getFileName().toString()).toList()),
                "the table and the conformance directory list different cases");
        Pattern field = Pattern.compile("^(.*?): field \"([^\"]+)\"");
        for (Path c : cases) {
            Set<String> reported = new TreeSet<>();
            try {
                // nftlb finds the device of a farm's policies; the cases' virtual addresses are on lo.
                ConfigMapper.mapAll(ConfigMapper.read(c.resolve("input.json")), address -> Optional.of("lo"));
            } catch (UnsupportedFieldsException e) {
                for (String line : e.problems()) {
                    Matcher m = field.matcher(line);
                    assertTrue(m.find(), line);
                    reported.add(m.group(1).replace(" ", "").replace("\"", "") + "/" + m.group(2));
                }
            }
            assertEquals(expected.get(c.getFileName().toString()), reported, "case " + c.getFileName());
        }
    }

    private static Map<String, Set<String>> expectedUnsupported() throws IOException {
        Map<String, Set<String>> table = new LinkedHashMap<>();
        for (String line : resource("conformance-unsupported.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String rest = line.substring(colon + 1).trim();
            table.put(line.substring(0, colon), rest.isEmpty() ? Set.of() : new TreeSet<>(List.of(rest.split("\\s+"))));
        }
        return table;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ConfigMapperTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
