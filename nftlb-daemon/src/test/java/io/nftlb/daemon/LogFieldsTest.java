package io.nftlb.daemon;

import static io.nftlb.daemon.LimitFieldsTest.farm;
import static io.nftlb.daemon.LimitFieldsTest.malformed;
import static io.nftlb.daemon.LimitFieldsTest.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Limits;
import io.nftlb.core.Policy;
import io.nftlb.core.Rate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** nftlb's log fields on the library's new-connection log, limits log and policy log. */
class LogFieldsTest {

    static Optional<Limits.Log> newConnectionLog(String fields) {
        return farm(fields).inspection().log();
    }

    static Optional<Limits.Log> refusalLog(String fields) {
        return farm(fields).limits().log();
    }

    static Limits.Log unlimited(String prefix) {
        return Limits.Log.unlimited(prefix);
    }

    @Test
    void aFarmsLogIsItsNewConnectionLogWithThePrefixExpandedAsNftlbDoes() {
        // nftlb's default template ends in a space; a template given is used as written (cases 021, 042, 043).
        assertEquals(Optional.of(unlimited("IN-lb01 ")), newConnectionLog("\"log\": \"input\","));
        assertEquals(Optional.of(unlimited("[lb01,IN]")),
                newConnectionLog("\"log\": \"input\", \"log-prefix\": \"[FNAME,TYPE]\","));
        assertEquals(Optional.of(unlimited("[lb01,FWD]")),
                newConnectionLog("\"log\": \"forward\", \"log-prefix\": \"[FNAME,TYPE]\","));
        assertEquals(Optional.of(unlimited("OUT-lb01 ")), newConnectionLog("\"log\": \"output\","));
        assertEquals(Optional.of(unlimited("log:FWD:lb01 ")),
                newConnectionLog("\"log\": \"output forward\", \"log-prefix\": \"KNAME:TYPE:FNAME \","),
                "several words are one log: its TYPE the first of IN, FWD, OUT named; KNAME is \"log\"");
        assertEquals(Optional.empty(), newConnectionLog("\"log\": \"none\", \"log-prefix\": \"x\","));
        assertEquals(Optional.empty(), newConnectionLog("\"log\": \"input none\","), "none wins, as in nftlb");
    }

    @Test
    void logRtlimitDoesNotLimitTheNewConnectionLog() {
        assertEquals(Optional.empty(), newConnectionLog("\"log\": \"input\", \"log-rtlimit\": \"5\",").orElseThrow().rate(),
                "nftlb's farm log has no limit statement whatever log-rtlimit says");
    }

    @Test
    void badLogValuesNameTheirFieldAndValue() {
        assertEquals("farm \"lb01\": field \"log\" = \"sideways\" must be none, or words of input, forward and output",
                malformed("\"log\": \"sideways\","));
        assertEquals("farm \"lb01\": field \"log-prefix\" = \"say \"TYPE\"\" gives a log prefix the library refuses (log:"
                + " prefix \"say \"IN\"\" may only have printable ASCII characters other than '\"')",
                malformed("\"log\": \"input\", \"log-prefix\": \"say \\\"TYPE\\\"\","));
        assertTrue(malformed("\"log\": \"input\", \"log-prefix\": \"" + "x".repeat(70) + "\",")
                .startsWith("farm \"lb01\": field \"log-prefix\" = \"xxxx"));
        assertEquals("farm \"lb01\": field \"log-rtlimit\" = \"fast\" is not a rate (<number>[/<unit>])",
                malformed("\"new-rtlimit\": \"10\", \"log-rtlimit\": \"fast\","));
        assertEquals("farm \"lb01\": field \"log-rtlimit\" = \"5/fortnight\" the unit must be second, minute, hour,"
                + " day or week", malformed("\"log-rtlimit\": \"5/fortnight\","), "checked without limits too");
    }

    /** A dsr farm logs its every packet at ingress, as nftlb; a stlsdnat farm's log is reported with the reason. */
    @Test
    void aDsrFarmLogsItsPacketsAndAStatelessDnatFarmsLogIsReported() {
        String dsr = """
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "MODE", "log": "input",
                  "iface": "eth0", "ether-addr": "0a:00:00:00:00:01",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "ether-addr": "0a:00:00:00:01:10"}]}]}""";
        assertEquals(Optional.of(unlimited("IN-lb01 ")),
                ConfigMapper.map(ConfigMapper.parse(dsr.replace("MODE", "dsr"))).get(0).inspection().log());
        UnsupportedFieldsException e = assertThrows(UnsupportedFieldsException.class,
                () -> ConfigMapper.map(ConfigMapper.parse(dsr.replace("MODE", "stlsdnat"))));
        assertEquals(List.of("farm \"lb01\": field \"log\" = \"input\" is not supported (nftlb logs every packet of a"
                + " stlsdnat farm at netdev ingress; the library logs those of dsr farms only)"), e.problems());
    }

    /** nftlb's default verdict logs refusals: the library's limits log "lb01-<what> ", at log-rtlimit. */
    @Test
    void aFarmWithLimitsLogsItsRefusalsAtLogRtlimit() {
        assertEquals(Optional.of(unlimited("lb01-")), refusalLog("\"new-rtlimit\": \"10\","));
        assertEquals(Optional.of(new Limits.Log("lb01-", new Rate(2, ChronoUnit.HOURS, 0))),
                refusalLog("\"tcp-strict\": \"on\", \"log-rtlimit\": \"2/hour\","), "case 062");
        assertEquals(Optional.of(new Limits.Log("lb01-", Rate.perSecond(10))),
                refusalLog("\"est-connlimit\": \"10\", \"log-rtlimit\": \"10\","), "case 061's rate");
        assertEquals(Optional.of(unlimited("lb01-")), refusalLog("\"rst-rtlimit\": \"5\", \"log-rtlimit\": \"0\","));
        assertEquals(Optional.of(unlimited("lb01-")), refusalLog("\"est-connlimit\": \"5\", \"verdict\": \"log drop\","));
        assertEquals(Optional.empty(), refusalLog("\"est-connlimit\": \"5\", \"verdict\": \"drop\","),
                "a verdict without log does not log");
        assertEquals(Optional.empty(), refusalLog("\"log-rtlimit\": \"5\","), "no limit, nothing to log");
        assertEquals(Optional.of(unlimited("lb01-")), ConfigMapper.map(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "dnat",
                  "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "est-connlimit": "3"}]}]}""")).get(0)
                .limits().log(), "a backend's connection limit is a refusal too");
    }

    /** A per-limit prefix cannot be had: accepted, with one warning naming farm, field and value, once. */
    @Test
    void aPerLimitPrefixIsAcceptedWithAWarning() {
        String warnings = stderrOf(() -> mapTwice("""
                        {"farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "snat",
                          "est-connlimit": "20", "est-connlimit-log-prefix": "[KNAME,FNAME,warned]",
                          "new-rtlimit-log-prefix": "unused, no new-rtlimit", "tcp-strict-log-prefix": "KNAME-FNAME ",
                          "backends": [{"name": "b0", "ip-addr": "10.1.0.10", "est-connlimit": "20",
                                        "est-connlimit-log-prefix": "[KNAME,bck,FNAME,BNAME,warned]"}]}]}"""));
        List<String> lines = warnings.lines().filter(l -> l.contains("WARN")).toList();
        assertEquals(2, lines.size(), "one per field, though mapped twice: " + warnings);
        assertTrue(lines.get(0).contains("farm \"lb01\": field \"est-connlimit-log-prefix\" = \"[KNAME,FNAME,warned]\"")
                && lines.get(0).contains("\"lb01-conns \""), lines.get(0));
        assertTrue(lines.get(1).contains("farm \"lb01\": backend \"b0\": field \"est-connlimit-log-prefix\""
                + " = \"[KNAME,bck,FNAME,BNAME,warned]\"") && lines.get(1).contains("\"lb01-backend b0 \""), lines.get(1));
    }

    /** A policy's drops: logged with its log-prefix expanded for the farm, at the farm's log-rtlimit (cases 037, 042). */
    @Test
    void aPolicysDropsAreLoggedAsTheFarmLogsRefusals() {
        assertEquals(Optional.of(unlimited("policy-BL-black001-lb01 ")), policyLog("", ""));
        assertEquals(Optional.of(unlimited("[BL,lb01,black001]")),
                policyLog("\"log-prefix\": \"[TYPE,FNAME,PNAME]\", \"timeout\": \"5\", \"priority\": \"2\",", ""));
        assertEquals(Optional.of(new Limits.Log("policy-BL-black001-lb01 ", Rate.perSecond(10))),
                policyLog("", "\"log-rtlimit\": \"10\","));
        assertEquals(Optional.empty(), policyLog("", "\"verdict\": \"drop\","));
        ConfigException tooLong = assertThrows(ConfigException.class,
                () -> policyLog("\"log-prefix\": \"" + "PNAME".repeat(14) + "\",", ""));
        assertTrue(tooLong.getMessage().startsWith("policy \"black001\": field \"log-prefix\" = \"PNAMEPNAME"),
                tooLong.getMessage());
    }

    private static Optional<Limits.Log> policyLog(String policyFields, String farmFields) {
        ConfigMapper.Mapped m = ConfigMapper.mapAll(ConfigMapper.parse("""
                {"policies": [{"name": "black001", "type": "blacklist", %s "elements": [{"data": "192.0.2.1"}]}],
                 "farms": [{"name": "lb01", "virtual-addr": "10.0.0.40", "mode": "snat", "iface": "eth0", %s
                            "policies": [{"name": "black001"}]}]}""".formatted(policyFields, farmFields)),
                DeviceFinder.none());
        Policy p = m.policies().get("black001-lb01");
        return p.log();
    }

    /** Maps a configuration twice, as the daemon does for each API change: the limits log is "lb01-" both times. */
    private static void mapTwice(String config) {
        for (int i = 0; i < 2; i++) {
            assertEquals(Optional.of(unlimited("lb01-")), ConfigMapper.map(ConfigMapper.parse(config)).get(0).limits().log());
        }
    }

    /** What {@code run} writes to standard error, where the daemon's SLF4J binding writes. */
    private static String stderrOf(Runnable run) {
        PrintStream before = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFarmWithoutLimitsHasNoRefusalLogWhateverItsPrefixes() {
        assertEquals(Optional.empty(), refusalLog("\"tcp-strict-log-prefix\": \"mine\", \"log-rtlimit\": \"1\","));
        assertEquals(Optional.empty(), refusalLog("\"verdict\": \"log accept\", \"log\": \"input\","));
    }
}
