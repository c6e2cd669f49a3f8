package io.nftlb.core.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Scheduler;
import io.nftlb.core.render.NftText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden text for each use case of the seeds: what users see and test against. */
class RulesetCompilerTest {

    /**
     * The expected text of a golden file. With {@code -Dgolden.update=true} the file is
     * rewritten from {@code actual} first (review the diff before committing it).
     */
    static String golden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            java.nio.file.Path p = java.nio.file.Path.of("src/test/resources/golden", name);
            java.nio.file.Files.writeString(p, actual);
        }
        return golden(name);
    }

    static String golden(String name) throws IOException {
        try (InputStream in = RulesetCompilerTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String render(Farm... farms) {
        return NftText.render(RulesetCompiler.compile(List.of(farms)).ruleset());
    }

    /** The walking skeleton: paper's round robin, {@code dnat to numgen inc mod 2 map {...}}. */
    static Farm roundRobin() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
    }

    /** Paper's weights, LVS wrr, with a backend down and a backup tier. */
    static Farm weighted() {
        return Farm.snat("10.0.0.41").port(80).named("wrr").weighted(
                Backend.of("b1", "10.1.0.10").weight(100),
                Backend.of("b2", "10.1.0.11").weight(50),
                Backend.of("b3", "10.1.0.12").weight(10).state(BackendState.DOWN),
                Backend.of("spare", "10.1.0.13").priority(2));
    }

    /** Paper's multiport with a port set and range, persistence by source address (LVS -p 300). */
    static Farm multiportPersistent() {
        return Farm.dnat("10.0.0.42").ports(80, 443).portRange(8000, 8099).named("shop")
                .scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS))
                .backends(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11").port(8443))
                .persistent(Duration.ofSeconds(300));
    }

    static Farm dualStackUdp() {
        return Farm.snat("10.0.0.53", "fd00::53").udp().port(53).named("dns")
                .roundRobin(Backend.of("v4", "10.1.0.10"), Backend.of("v6", "fd00:1::a").sourceAddress("fd00:1::1"));
    }

    /** nftlb's sched-param "srcip srcport srcmac": the MAC of the Ethernet header the packet came with. */
    @Test
    void hashOnAddressPortAndMac() {
        String actual = render(Farm.dnat("10.0.0.43").udp().port(53).named("macs")
                .scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.SOURCE_PORT,
                        Scheduler.HashField.SOURCE_MAC))
                .backends(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11")));
        org.junit.jupiter.api.Assertions.assertTrue(actual.contains("jhash ip saddr . th sport . ether saddr mod "), actual);
        String daddr = render(Farm.dnat("10.0.0.44").port(80).named("dmac")
                .scheduler(Scheduler.hash(Scheduler.HashField.DESTINATION_MAC))
                .backends(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11")));
        org.junit.jupiter.api.Assertions.assertTrue(daddr.contains("jhash ether daddr mod "), daddr);
    }

    @Test
    void roundRobinDnat() throws IOException {
        String actual = render(roundRobin());
        assertEquals(golden("round-robin-dnat.nft", actual), actual);
    }

    @Test
    void weightedSnatWithTiers() throws IOException {
        String actual = render(weighted());
        assertEquals(golden("weighted-snat-tiers.nft", actual), actual);
    }

    @Test
    void allUseCasesTogether() throws IOException {
        String actual = render(roundRobin(), weighted(), multiportPersistent(), dualStackUdp());
        assertEquals(golden("all-use-cases.nft", actual), actual);
    }

    @Test
    void explainTellsWhatTheDataPathDoes() throws IOException {
        String actual = RulesetCompiler.compile(List.of(roundRobin(), weighted())).explain("wrr");
        assertEquals(golden("explain-wrr.txt", actual), actual);
    }

    /**
     * The kernel pays, on every element change of a map, for each rule bound to it: the maps the
     * control plane changes are looked up by exactly one rule each, however many farms use them.
     */
    @Test
    void eachControlPlaneMapIsLookedUpByOneRule() {
        List<Farm> farms = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Farm f = Farm.snat("10.0.1." + i, "fd00::" + Integer.toHexString(i + 1)).port(80).named("f" + i)
                    .backends(Backend.of("a", "10.1.0.10"), Backend.of("b", "fd00:1::b"))
                    .scheduler(switch (i % 4) {
                        case 0 -> Scheduler.roundRobin();
                        case 1 -> Scheduler.weighted();
                        case 2 -> Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS);
                        default -> Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS);
                    });
            f = i % 3 == 0 ? f.persistent(Duration.ofSeconds(60)) : f;
            farms.add(i % 5 == 0 ? f.staticSession("10.0.0." + (100 + i), "a") : f);
        }
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(farms);
        String text = NftText.render(compiled.ruleset());
        List<String> maps = new java.util.ArrayList<>(List.of("maglev4", "maglev6", "static4", "static6",
                "persist4-saddr", "persist6-saddr"));
        // Only the scheduling maps of these farms' ids are declared: 30 farms, ids 0..29.
        List<String> declared = compiled.ruleset().tables().get(0).sets().stream().map(s -> s.name())
                .filter(m -> m.matches("sched[0-9]+")).toList();
        assertEquals(30 - 7, declared.size(), "sched maps declared for the 23 farms not scheduled by Maglev: " + declared);
        maps.addAll(declared);
        for (String map : maps) {
            long lookups = text.lines().filter(l -> l.matches(".* map @" + map + "( .*)?")).count();
            assertEquals(1, lookups, "rules looking up @" + map + " among 30 farms:\n" + text);
        }
        // A weight change rewrites the intervals of one sched map: each of the 23 non-Maglev farms
        // (ids below SCHED_MAPS) has its own.
        long schedMapsUsed = compiled.parts().values().stream().flatMap(p -> p.elements().keySet().stream())
                .filter(m -> m.startsWith("sched")).distinct().count();
        assertEquals(farms.stream().filter(f -> !(f.scheduler() instanceof Scheduler.Maglev)).count(), schedMapsUsed,
                "sched maps holding elements of 30 farms");
    }

    @Test
    void renderingIsDeterministic() {
        assertEquals(render(roundRobin(), weighted(), multiportPersistent()),
                render(roundRobin(), weighted(), multiportPersistent()));
    }

    @Test
    void marksAndSlicesSurviveRecompiling() {
        RulesetCompiler.Compiled first = RulesetCompiler.compile(List.of(roundRobin(), weighted()));
        Farm changed = weighted().withoutBackend("b1").backend(Backend.of("b4", "10.1.0.14"));
        RulesetCompiler.Compiled second = RulesetCompiler.compile(List.of(changed), first.allocation());
        Ids before = first.allocation().ids("wrr");
        Ids after = second.allocation().ids("wrr");
        assertEquals(before.farmId(), after.farmId());
        assertEquals(before.mark("b2"), after.mark("b2"));
        long newest = first.allocation().ids("web").marks().values().stream().mapToLong(Long::longValue).max()
                .orElseThrow();
        newest = Math.max(newest, before.marks().values().stream().mapToLong(Long::longValue).max().orElseThrow());
        assertEquals(newest + 1, after.mark("b4"), "a new backend must not reuse a freed mark");
    }

    @Test
    void farmsMayNotClaimTheSameService() {
        Farm other = Farm.dnat("10.0.0.40").portRange(70, 90).named("other").roundRobin(Backend.at("10.1.0.12"));
        InvalidFarmException e = assertThrows(InvalidFarmException.class,
                () -> RulesetCompiler.compile(List.of(roundRobin(), other)));
        assertEquals("farm \"other\": 10.0.0.40 port 70-90 is already served by farm \"web\"", e.getMessage());
        assertThrows(InvalidFarmException.class, () -> RulesetCompiler.compile(List.of(roundRobin(), roundRobin())));
    }
}
