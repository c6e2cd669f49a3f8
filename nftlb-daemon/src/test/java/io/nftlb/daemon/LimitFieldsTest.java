package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** nftlb's protection fields (limits, helpers, backend connection limits) on the library's farm. */
class LimitFieldsTest {

    /** One farm of one address and port, with {@code fields} (JSON members) added. */
    static Farm farm(String fields) {
        return ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat",
                  "protocol": "tcp", %s
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""".formatted(fields))).get(0);
    }

    static List<String> problems(String fields) {
        return assertThrows(UnsupportedFieldsException.class, () -> farm(fields)).problems();
    }

    static String malformed(String fields) {
        return assertThrows(ConfigException.class, () -> farm(fields)).getMessage();
    }

    @Test
    void helpersMapByName() {
        assertEquals(Optional.of(Helper.FTP), farm("\"helper\": \"ftp\",").helper());
        assertEquals(Optional.of(Helper.PPTP), farm("\"helper\": \"pptp\",").helper());
        assertEquals(Optional.empty(), farm("\"helper\": \"none\",").helper());
        assertEquals(Optional.of(Helper.SIP), farm("\"protocol\": \"udp\", \"helper\": \"sip\",").helper());
        assertEquals(Optional.of(Helper.TFTP), farm("\"protocol\": \"udp\", \"helper\": \"tftp\",").helper());
        assertEquals(Optional.of(Helper.SNMP), farm("\"protocol\": \"udp\", \"helper\": \"snmp\",").helper());
        assertEquals("farm \"lb01\": field \"helper\" = \"irc\" must be none, ftp, pptp, sip, snmp or tftp",
                malformed("\"helper\": \"irc\","));
        // tftp reads udp only: the library refuses it on a tcp farm, so it is reported, with the reason.
        assertEquals(List.of("farm \"lb01\": field \"helper\" = \"tftp\" is not supported (farm \"lb01\": helper tftp"
                + " reads [UDP], not tcp)"), problems("\"helper\": \"tftp\","));
    }

    @Test
    void rateLimitsMapWithTheirUnitAndBurst() {
        Limits l = farm("\"new-rtlimit\": \"10\", \"rst-rtlimit\": \"5/minute\", \"rst-rtlimit-burst\": \"7\","
                + " \"new-rtlimit-log-prefix\": \"KNAME-TYPE-FNAME\", \"verdict\": \"log drop\",").limits();
        assertEquals(Optional.of(new Rate(10, ChronoUnit.SECONDS, 0)), l.newConnections(),
                "no burst: the kernel's default, as nftlb leaves it");
        assertEquals(Optional.of(new Rate(5, ChronoUnit.MINUTES, 7)), l.resets());
        assertEquals(Limits.Verdict.DROP, l.verdict());
        assertEquals(Optional.of(new Rate(3, ChronoUnit.WEEKS, 20)),
                farm("\"new-rtlimit\": \"3/week\", \"new-rtlimit-burst\": \"20\",").limits().newConnections());
        assertEquals(Limits.none(), farm("\"new-rtlimit\": \"0\", \"rst-rtlimit\": \"0/second\", \"est-connlimit\": \"0\","
                + " \"limits-ttl\": \"120\", \"tcp-strict\": \"off\", \"verdict\": \"drop\",").limits());
    }

    @Test
    void badRatesNameTheirFieldAndValue() {
        assertEquals("farm \"lb01\": field \"new-rtlimit\" = \"10/fortnight\" the unit must be second, minute, hour,"
                + " day or week", malformed("\"new-rtlimit\": \"10/fortnight\","));
        assertEquals("farm \"lb01\": field \"rst-rtlimit\" = \"many\" is not a rate (<number>[/<unit>])",
                malformed("\"rst-rtlimit\": \"many\","));
        assertEquals("farm \"lb01\": field \"new-rtlimit-burst\" = \"lots\" is not a number",
                malformed("\"new-rtlimit\": \"10\", \"new-rtlimit-burst\": \"lots\","));
        String negative = malformed("\"new-rtlimit\": \"-4\",");
        assertEquals(true, negative.startsWith("farm \"lb01\": field \"new-rtlimit\" = \"-4\" "), negative);
        assertEquals("farm \"lb01\": field \"verdict\" = \"maybe\" must be log, drop or accept",
                malformed("\"verdict\": \"maybe\","));
    }

    @Test
    void connectionLimitsMapPerClientAndPerBackend() {
        assertEquals(OptionalInt.of(20), farm("\"est-connlimit\": \"20\",").limits().connectionsPerClient());
        Farm f = ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "est-connlimit": "3",
                                "est-connlimit-log-prefix": "KNAME-FNAME-BNAME"},
                               {"name": "b1", "ip-addr": "10.1.0.11", "est-connlimit": "0"}]}]}""")).get(0);
        assertEquals(OptionalInt.of(3), f.backend("b0").orElseThrow().maxConnections());
        assertEquals(OptionalInt.empty(), f.backend("b1").orElseThrow().maxConnections());
        String tooMany = assertThrows(ConfigException.class, () -> ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "est-connlimit": "2000000"}]}]}""")))
                .getMessage();
        assertEquals(true, tooMany.startsWith("farm \"lb01\": backend \"b0\": field \"est-connlimit\" = \"2000000\" "),
                tooMany);
        assertEquals("farm \"lb01\": field \"est-connlimit\" = \"x\" is not a number", malformed("\"est-connlimit\": \"x\","));
    }

    /** nftlb counts a client per farm, the library per address and port: only a one-service farm is the same. */
    @Test
    void perClientLimitsOfAFarmOfSeveralPortsAreReported() {
        String why = " is not supported (nftlb counts a client once per farm, the library once per virtual address"
                + " and port: they agree only for a farm of one address and one port)";
        assertEquals(List.of("farm \"lb01\": field \"new-rtlimit\" = \"10\"" + why,
                        "farm \"lb01\": field \"est-connlimit\" = \"5\"" + why),
                problems("\"new-rtlimit\": \"10\", \"est-connlimit\": \"5\", \"virtual-ports\": \"80,443\","));
        assertEquals(List.of("farm \"lb01\": field \"rst-rtlimit\" = \"10\"" + why),
                problems("\"virtual-ports\": \"80-81\", \"rst-rtlimit\": \"10\","));
    }

    /** nftlb's tcp-strict drops what conntrack finds invalid; the library's strictTcp does that and more. */
    @Test
    void tcpStrictMapsOntoTheLibrarysStrictTcp() {
        assertEquals(true, farm("\"tcp-strict\": \"on\",").limits().tcpStrict());
        assertEquals(Limits.none(), farm("\"tcp-strict\": \"off\",").limits());
        assertEquals("farm \"lb01\": field \"tcp-strict\" = \"yes\" must be on or off", malformed("\"tcp-strict\": \"yes\","));
        assertEquals(List.of("farm \"lb01\": field \"tcp-strict\" = \"on\" is not supported (farm \"lb01\": tcp strict"
                + " needs tcp, not udp)"), problems("\"protocol\": \"udp\", \"tcp-strict\": \"on\","));
    }

    /** The library's rate state has a fixed lifetime, and neither bans for limits-ttl: any value changes nothing. */
    @Test
    void limitsTtlIsAcceptedAndChangesNothing() {
        Farm plain = farm("\"new-rtlimit\": \"10\",");
        assertEquals(plain, farm("\"new-rtlimit\": \"10\", \"limits-ttl\": \"300\","));
        assertEquals(plain, farm("\"new-rtlimit\": \"10\", \"limits-ttl\": \"0\","));
        assertEquals("farm \"lb01\": field \"limits-ttl\" = \"soon\" is not a number", malformed("\"limits-ttl\": \"soon\","));
        assertEquals("farm \"lb01\": field \"limits-ttl\" = \"-5\" must be 0 or more seconds",
                malformed("\"limits-ttl\": \"-5\","));
    }

    /** accept and log let connections over a limit through; only a verdict with log logs them. */
    @Test
    void aVerdictThatLetsConnectionsThroughLetsThemThrough() {
        Limits accepted = farm("\"est-connlimit\": \"5\", \"verdict\": \"accept\",").limits();
        assertEquals(Limits.Verdict.ACCEPT, accepted.verdict());
        assertEquals(Optional.empty(), accepted.log(), "accept alone logs nothing");
        Limits logged = farm("\"est-connlimit\": \"5\", \"verdict\": \"log accept\",").limits();
        assertEquals(Limits.Verdict.LOG, logged.verdict());
        assertEquals(Optional.of("lb01-"), logged.log().map(Limits.Log::prefix));
        assertEquals(Limits.Verdict.LOG, farm("\"est-connlimit\": \"5\", \"verdict\": \"log\",").limits().verdict());
    }
}
