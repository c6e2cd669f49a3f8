package io.nftlb.examples;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Scheduler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.EcmpTopology;
import io.nftlb.testkit.LongConnection;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Two balancers, no shared state, one Maglev farm (docs/maglev.md): a router
 * spreads connections over both with ECMP; balancer 0 dies; its connections go on through
 * balancer 1 to the same backends, and new connections of each client keep their backend.
 * Needs root; builds network namespaces and removes them at the end.
 */
public final class MaglevPair {

    private static final String VIP = "10.9.0.40";
    private static final PrintStream out = System.out;

    private MaglevPair() {}

    public static void main(String[] args) {
        try (EcmpTopology t = EcmpTopology.start(4, 6)) {
            Farm farm = Farm.dnat(VIP).port(80).named("web")
                    .scheduler(Scheduler.maglev(Scheduler.HashField.SOURCE_ADDRESS))
                    .backends(IntStream.range(0, 4).mapToObj(i -> Backend.of("b" + i, "10.1.0." + (10 + i))).toList());
            // The same farm gives the same ruleset, so the same Maglev table, on both balancers.
            String ruleset = NftText.render(RulesetCompiler.compile(List.of(farm)).ruleset());
            for (int i = 0; i < 2; i++) {
                t.balancer(i).nft(ruleset);
                t.balancer(i).execOrThrow("sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=1");
            }
            out.println(RulesetCompiler.compile(List.of(farm)).explain("web"));
            List<LongConnection> connections = new ArrayList<>();
            for (String source : t.client().sourceAddresses()) {
                for (int k = 0; k < 3; k++) {
                    connections.add(t.client().openLongConnection(source, VIP, 80));
                }
            }
            connections.forEach(c -> out.println("open  " + c.localAddress() + ":" + c.localPort() + " -> " + c.backend()));
            out.println("balancer 0 fails (its links go down)");
            t.failBalancer(0);
            int ok = 0;
            for (LongConnection c : connections) {
                try {
                    out.println("after " + c.localAddress() + ":" + c.localPort() + " -> " + c.exchange("still here"));
                    ok++;
                } catch (RuntimeException e) {
                    out.println("lost  " + c + ": " + e.getMessage());
                }
            }
            out.printf(Locale.ROOT, "%d of %d connections kept working through balancer 1%n", ok, connections.size());
            for (String source : t.client().sourceAddresses()) {
                try (LongConnection c = t.client().openLongConnection(source, VIP, 80)) {
                    out.println("new   " + source + " -> " + c.backend());
                }
            }
        }
        out.println("Cleaned up: every namespace is gone.");
    }
}
