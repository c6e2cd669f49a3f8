package io.nftlb.examples.usecases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs every use-case example through real namespaces and checks that the clients saw what
 * its Javadoc promises. Shares are checked against binomial spreads (four standard deviations),
 * so a correct balancer fails about once in 30,000 runs.
 */
@RequiresNetns
class UseCaseExamplesIT {

    @Test
    void roundRobinAlternates() {
        try (Lab lab = Lab.start(Topology.builder().backends(2))) {
            Tally t = RoundRobinExample.run(lab);
            assertEquals(100, t.answered(), t.toString());
            List<String> seq = t.sequence();
            for (int i = 1; i < seq.size(); i++) {
                assertTrue(!seq.get(i).equals(seq.get(i - 1)), "connection " + i + " repeated a backend: " + t);
            }
        }
    }

    @Test
    void weightsSplitTwoToOne() {
        try (Lab lab = Lab.start(Topology.builder().backends(2))) {
            Tally t = WeightExample.run(lab);
            assertEquals(300, t.answered(), t.toString());
            assertShare(t, "b0", 2.0 / 3);
        }
    }

    @Test
    void multiportBalancesBothPortsByWeight() {
        try (Lab lab = Lab.start(Topology.builder().backends(2).ports(80, 443))) {
            Tally t = MultiportExample.run(lab);
            assertEquals(300, t.answered(), "both ports must be served: " + t);
            assertShare(t, "b0", 2.0 / 3);
        }
    }

    @Test
    void persistenceKeepsEachClientOnOneBackend() {
        try (Lab lab = Lab.start(Topology.builder().backends(3).clientAddresses(PersistenceExample.CLIENTS))) {
            Tally t = PersistenceExample.run(lab);
            assertEquals(10 * PersistenceExample.CLIENTS, t.answered(), t.toString());
            Map<String, Set<String>> bySource = t.backendsBySource();
            assertEquals(PersistenceExample.CLIENTS, bySource.size(), bySource.toString());
            bySource.forEach((source, backends) -> assertEquals(1, backends.size(),
                    "client " + source + " was sent to " + backends + ": " + t));
        }
    }

    @Test
    void lvsEquivalentsBehaveLikeTheirIpvsadmCommands() {
        try (Lab lab = Lab.start(Topology.builder().backends(2).clientAddresses(3))) {
            Tally rr = LvsEquivalents.run(lab, LvsEquivalents.roundRobin());
            assertEquals(75, rr.count("b0"), "-s rr alternates exactly: " + rr);
            Tally wrr = LvsEquivalents.run(lab, LvsEquivalents.weightedRoundRobin());
            assertEquals(150, wrr.answered(), wrr.toString());
            assertShare(wrr, "b0", 2.0 / 3);
            Tally persistent = LvsEquivalents.run(lab, LvsEquivalents.persistentRoundRobin());
            persistent.backendsBySource().forEach((source, backends) -> assertEquals(1, backends.size(),
                    "-p 300: client " + source + " was sent to " + backends + ": " + persistent));
            assertEquals(List.of("rr-p300"), lab.lb().farms().stream().map(Farm::name).toList());
        }
    }

    @Test
    void leastConnectionsSendsNewConnectionsAwayFromTheBusyBackend() {
        try (Lab lab = Lab.start(Topology.builder().backends(2))) {
            Tally t = LeastConnectionsExample.run(lab);
            assertEquals(40, t.answered(), t.toString());
            assertTrue(t.count("b1") > 3 * t.count("b0"),
                    "b0 holds " + LeastConnectionsExample.HELD + " connections, so b1 should take most: " + t);
        }
    }

    @Test
    void leastResponseTimeFavoursTheFastBackend() {
        try (Lab lab = Lab.start(Topology.builder().backends(2))) {
            Tally t = LeastResponseTimeExample.run(lab);
            assertEquals(60, t.answered(), t.toString());
            assertTrue(t.count("b0") > 2 * t.count("b1"), "b1 answers 60 ms late, b0 should take most: " + t);
        }
    }

    @Test
    void leastCpuLoadFavoursTheIdleBackend() {
        try (Lab lab = Lab.start(Topology.builder().backends(2))) {
            Tally t = LeastCpuLoadExample.run(lab);
            assertEquals(60, t.answered(), t.toString());
            assertTrue(t.count("b0") > 2 * t.count("b1"), "b0 reports 10% load and b1 80%: " + t);
        }
    }

    /** The backend's share is within four binomial standard deviations of {@code expected}. */
    private static void assertShare(Tally t, String backend, double expected) {
        int n = t.answered();
        double sd = Math.sqrt(n * expected * (1 - expected));
        int count = t.count(backend);
        assertTrue(Math.abs(count - n * expected) <= 4 * sd, String.format(
                "%s took %d of %d, expected %.0f +- %.0f: %s", backend, count, n, n * expected, 4 * sd, t));
    }
}
