package io.nftlb.core.compile;

import static io.nftlb.core.compile.RulesetCompilerTest.golden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.core.render.NftText;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Limits compile into constant rules of the farm's chain over a few shared dynamic sets. */
class LimitsCompileTest {

    /** Every limit, with persistence so that backend caps also guard the restored-mark path. */
    static Farm guarded() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10").maxConnections(100), Backend.of("b2", "10.1.0.11"))
                .persistent(Duration.ofMinutes(5))
                .limits(Limits.none().newConnections(Rate.perSecond(10).burst(20)).connectionsPerClient(50)
                        .ban(Duration.ofMinutes(2)).strictTcp().resets(Rate.perSecond(50))
                        .log("web-", Rate.perSecond(5)));
    }

    /** Verdict LOG: over-limit connections are logged and scheduled as usual. */
    static Farm observed() {
        return Farm.snat("10.0.0.41").port(443).named("api")
                .weighted(Backend.of("a1", "10.1.0.12").maxConnections(2))
                .limits(Limits.none().connectionsPerClient(3).verdict(Limits.Verdict.LOG)
                        .log("api-", Rate.perMinute(60)));
    }

    /** Verdict ACCEPT: an over-limit connection is counted and scheduled as usual, and nothing logs it. */
    @Test
    void acceptCountsAndLetsThrough() {
        Farm counted = Farm.snat("10.0.0.43").port(443).named("count").weighted(Backend.of("c1", "10.1.0.15"))
                .limits(Limits.none().connectionsPerClient(3).verdict(Limits.Verdict.ACCEPT));
        String text = NftText.render(RulesetCompiler.compile(List.of(counted)).ruleset());
        assertTrue(text.contains("ct mark 0x40000000 counter ct mark set 0x00000000"), text);
        assertFalse(text.contains(" log ") || text.contains(" drop"), text);
        assertEquals("limits: verdict ACCEPT logs nothing: log \"c-\" needs verdict DROP or LOG",
                assertThrows(InvalidFarmException.class, () -> Limits.none().connectionsPerClient(3)
                        .verdict(Limits.Verdict.ACCEPT).log("c-")).getMessage());
    }

    @Test
    void goldenRuleset() throws IOException {
        String actual = NftText.render(RulesetCompiler.compile(List.of(guarded(), observed())).ruleset());
        assertEquals(golden("limits.nft", actual), actual);
    }

    /** New connections logged, and handed to a queue once scheduled (also before a persistence accept). */
    static Farm inspected() {
        return Farm.dnat("10.0.0.42").port(25).named("mail").roundRobin(Backend.of("m1", "10.1.0.14"))
                .persistent(Duration.ofMinutes(1))
                .inspection(io.nftlb.core.Inspection.none().log("mail-new ", Rate.perSecond(20)).queue(7, true));
    }

    @Test
    void goldenInspection() throws IOException {
        RulesetCompiler.Compiled c = RulesetCompiler.compile(List.of(inspected()));
        String actual = c.explain("mail");
        assertEquals(golden("inspection.txt", actual), actual);
    }

    @Test
    void goldenExplain() throws IOException {
        String actual = RulesetCompiler.compile(List.of(guarded())).explain("web");
        assertEquals(golden("explain-limits.txt", actual), actual);
    }

    /** Logs without a rate: every refusal and every new connection gets its line. */
    static Farm logsEverything() {
        return Farm.snat("10.0.0.43").port(443).named("shop").roundRobin(Backend.of("s1", "10.1.0.15").maxConnections(9))
                .limits(Limits.none().connectionsPerClient(4).strictTcp().log("shop-"))
                .inspection(io.nftlb.core.Inspection.none().log("shop-new "));
    }

    @Test
    void aLogWithoutARateHasNoLimitStatement() throws IOException {
        Farm shop = logsEverything();
        assertEquals(new Limits.Log("shop-", java.util.Optional.empty()), shop.limits().log().orElseThrow());
        assertEquals(java.util.Optional.empty(), shop.inspection().log().orElseThrow().rate());
        String actual = RulesetCompiler.compile(List.of(shop)).explain("shop");
        assertEquals(golden("explain-unlimited-logs.txt", actual), actual);
        List<String> logRules = actual.lines().filter(l -> l.contains(" log prefix ") || l.startsWith("    log "))
                .toList();
        assertEquals(5, logRules.size(), "invalid, strict, conns, backend s1 and the new connection: " + logRules);
        assertTrue(logRules.stream().noneMatch(l -> l.contains("limit rate")), logRules.toString());
        assertTrue(actual.contains("logged as \"shop-<what> \" without a rate limit"), actual);
        assertTrue(actual.contains("logged as \"shop-new \" without a rate limit"), actual);
    }

    /** Beyond one scheduling map per farm id modulo 256 ({@code sched<k>}), sets do not grow with farms. */
    @Test
    void setsDoNotGrowWithFarms() {
        for (int farms : new int[] {1, 200, 600}) {
            List<String> sets = sets(farms);
            long schedMaps = sets.stream().filter(s -> s.matches("sched[0-9]+")).count();
            assertEquals(Math.min(farms, 256), schedMaps, "scheduling maps with " + farms + " farms");
            assertEquals(sets(1).size() - 1, sets.size() - schedMaps, "other sets with " + farms + " farms: " + sets);
        }
    }

    private static List<String> sets(int farms) {
        List<Farm> list = IntStream.range(0, farms).mapToObj(i -> guarded().named("f" + i)
                .forwarding(guarded().forwarding()).ports(1000 + i)).toList();
        return RulesetCompiler.compile(list).ruleset().tables().get(0).sets().stream().map(s -> s.name()).toList();
    }

    @Test
    void removingTheLastGuardedFarmDeletesItsJumpsBeforeItsChain() {
        RulesetCompiler.Compiled with = RulesetCompiler.compile(List.of(guarded()));
        RulesetCompiler.Compiled without = RulesetCompiler.compile(List.of(), with.allocation());
        String tx = NftText.render(io.nftlb.core.plan.Planner.diff(java.util.Optional.of(with), without));
        int jumps = tx.indexOf("delete element inet nftlb guard4 ");
        int chain = tx.indexOf("delete chain inet nftlb farm-web");
        int set = tx.indexOf("delete set inet nftlb guard4\n");
        assertTrue(jumps >= 0 && jumps < chain && chain < set, "guard4 elements at " + jumps + ", chain at " + chain
                + ", set at " + set + ":\n" + tx);
    }

    @Test
    void farmsWithoutLimitsDeclareNoLimitSets() {
        String text = RulesetCompilerTest.render(RulesetCompilerTest.roundRobin());
        for (String set : List.of("rate4", "conns4", "ban4", "bconns", "rst4", "guard4")) {
            assertTrue(!text.contains("set " + set + " "), set + " in " + text);
        }
    }

    @Test
    void optionalSetsFollowTheLimitsUsed() {
        assertEquals(java.util.Set.of("serving", "persist4-saddr", "persist6-saddr", "rate4", "rate6", "conns4",
                "conns6", "ban4", "ban6", "bconns", "rst4", "rst6", "guard4", "guard4r", "guard6", "guard6r",
                "hairpin4", "hairpin6"), FarmParts.optionalSets(guarded()));
        // hairpin: a dnat farm's backends calling its service are masqueraded (LocalClients)
        assertEquals(java.util.Set.of("conns4", "conns6", "hairpin4", "hairpin6"), FarmParts.optionalSets(Farm.dnat("10.0.0.40").port(80)
                .roundRobin(Backend.at("10.1.0.10")).limits(Limits.none().connectionsPerClient(1))));
    }

    @Test
    void badLimitsNameFieldAndValue() {
        assertMessage("rate: count 0 must be within 1..4294967295", () -> Rate.perSecond(0));
        assertMessage("rate: burst -1 must be within 0..4294967295", () -> Rate.perSecond(1).burst(-1));
        assertMessage("limits: connections per client 0 must be within 1..1000000",
                () -> Limits.none().connectionsPerClient(0));
        assertMessage("limits: ban PT1M needs a new-connection rate to exceed",
                () -> Limits.none().connectionsPerClient(3).ban(Duration.ofMinutes(1)));
        assertMessage("limits: ban PT0.5S must be within 1s..PT24H",
                () -> Limits.none().newConnections(Rate.perSecond(1)).ban(Duration.ofMillis(500)));
        assertMessage("log: prefix \"a\"b\" may only have printable ASCII characters other than '\"'",
                () -> Limits.none().log("a\"b", Rate.perSecond(1)));
        assertMessage("backend \"b1\": max connections 0 must be within 1..1000000",
                () -> Backend.of("b1", "10.1.0.10").maxConnections(0));
        assertMessage("farm \"web\": backend \"b1\": max connections -3 must be within 1..1000000",
                () -> guarded().backend("b1", b -> b.maxConnections(-3)));
        assertMessage("inspection: queue 65536 must be within 0..65535",
                () -> io.nftlb.core.Inspection.none().queue(65_536, false));
        assertMessage("farm \"dns\": a reset limit needs tcp, not udp", () -> Farm.dnat("10.0.0.53").udp().port(53)
                .named("dns").limits(Limits.none().resets(Rate.perSecond(1))));
        assertMessage("farm \"dns\": tcp strict needs tcp, not udp", () -> Farm.dnat("10.0.0.53").udp().port(53)
                .named("dns").limits(Limits.none().strictTcp()));
        assertMessage("farm \"10.0.0.40\": limits need conntrack, which stateless dnat forwarding does not use",
                () -> Farm.statelessDnat("10.0.0.40").port(80).limits(Limits.none().connectionsPerClient(3)));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable bad) {
        assertEquals(expected, assertThrows(InvalidFarmException.class, bad).getMessage());
    }
}
