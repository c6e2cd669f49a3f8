package io.nftlb.examples;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Tally;
import io.nftlb.testkit.Topology;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's main command: builds a client, a balancer and three backends in network
 * namespaces, balances real connections through a farm, shows the distribution per backend
 * as it changes (weights, a backend going down and coming back), and cleans up.
 */
public final class Demo {

    private static final String VIP = "10.0.0.40";
    private static final int ROUND = 300;
    private static final PrintStream out = System.out;

    private Demo() {}

    public static void main(String[] args) {
        String why = cannotRun();
        if (why != null) {
            System.err.println("The demo builds network namespaces and loads nftables rules, so it " + why + ".");
            System.err.println("Run it as root (for example: sudo ./dev.sh demo). Nothing was changed.");
            System.exit(2);
        }
        out.println("nftlb for Java demo: client 10.0.0.2 -> balancer (VIP " + VIP + ":80) -> backends b0, b1, b2");
        try (Topology topology = Topology.builder().backends(3).returnPath(ReturnPath.VIA_BALANCER).start();
             LoadBalancer lb = LoadBalancer.open(
                     NetlinkTransport.openInNamespace(topology.balancer().namespace().name()))) {
            topology.balancer().addAddress(VIP);
            lb.apply(Farm.dnat(VIP).port(80).named("web").roundRobin(Backend.of("b0", "10.1.0.10"),
                    Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12"))).join();
            traffic(topology, "round robin over three backends");
            lb.apply(lb.farm("web").orElseThrow().weighted(Backend.of("b0", "10.1.0.10").weight(100),
                    Backend.of("b1", "10.1.0.11").weight(50), Backend.of("b2", "10.1.0.12").weight(50))).join();
            traffic(topology, "weights 100 : 50 : 50 (one atomic netlink commit of map elements)");
            topology.backend(1).stopServers();
            lb.setState("web", "b1", BackendState.DOWN).join();
            traffic(topology, "b1 stopped and set down: its share goes to the others");
            topology.backend(1).startServers();
            lb.setState("web", "b1", BackendState.UP).join();
            traffic(topology, "b1 back up");
            out.println();
            out.println("What the data path does for the farm now:");
            out.print(io.nftlb.core.compile.RulesetCompiler.compile(lb.farms()).explain("web"));
        }
        out.println("Cleaned up: every namespace is gone.");
    }

    private static void traffic(Topology topology, String title) {
        out.println();
        out.println("== " + title);
        Map<String, Integer> seen = new TreeMap<>();
        for (int done = 0; done < ROUND; done += ROUND / 6) {
            Tally tally = topology.client().tcp(VIP, 80).count(ROUND / 6).concurrency(4).run();
            tally.countsByBackend().forEach((b, n) -> seen.merge(b, n, Integer::sum));
            seen.merge("failed", tally.failed(), Integer::sum);
            draw(seen, done + ROUND / 6);
        }
        out.println();
    }

    /** One line per backend with a bar, redrawn in place. */
    private static void draw(Map<String, Integer> seen, int total) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            if (e.getKey().equals("failed") && e.getValue() == 0) {
                continue;
            }
            int width = (int) Math.round(40.0 * e.getValue() / Math.max(1, total));
            b.append(String.format("  %-6s %4d %5.1f%% %s%n", e.getKey(), e.getValue(),
                    100.0 * e.getValue() / Math.max(1, total), "#".repeat(width)));
        }
        long lines = b.chars().filter(c -> c == '\n').count();
        out.print(b);
        if (total < ROUND) {
            out.print("\033[" + lines + "A"); // move back up to redraw the table in place
        }
        out.flush();
    }

    private static String cannotRun() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            if (!uid.equals("0")) {
                return "needs root (you are uid " + uid + ")";
            }
        } catch (Exception e) {
            return "could not check the user id (" + e.getMessage() + ")";
        } 
        for (String tool : List.of("/usr/sbin/nft", "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip")) {
            if (tool.endsWith("nft") && !new java.io.File(tool).canExecute()) {
                return "needs the nft command (Debian package nftables)";
            }
        }
        return null;
    }
}
