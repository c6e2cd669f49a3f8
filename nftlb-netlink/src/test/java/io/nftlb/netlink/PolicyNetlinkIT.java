package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.TableComparison;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.usecases.PolicyCases;
import io.nftlb.core.usecases.UseCases;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel is the oracle for the netdev policy table: what netlink installs lists exactly as
 * what {@code nft -f} installs, element-only changes keep the rules, and 100k networks load in
 * one transaction.
 */
@RequiresNetns
class PolicyNetlinkIT {

    @Test
    void netlinkInstallsWhatNftInstalls(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        Table table = PolicyCompiler.compile(PolicyCases.onDevice("lo"), UseCases.all());
        viaNft.nft(NftText.render(table));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(table));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    /** Logged drops: nft and netlink agree, and the kernel reads back what was compiled (else every drift check would repair it). */
    @Test
    void loggedPoliciesInstallAsNftInstallsThemAndReadBackAsCompiled(NetworkNamespace viaNft,
                                                                      NetworkNamespace viaNetlink) {
        Table table = PolicyCompiler.compile(PolicyCases.logged("lo"), UseCases.all());
        viaNft.nft(NftText.render(table));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(table));
            assertEquals(List.of(), TableComparison.differences(table, nl.read(PolicyCompiler.TABLE).orElseThrow()));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    @Test
    void dsrFarmsInstallAsNftInstallsThem(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        Table table = io.nftlb.core.compile.IngressCompiler.compile(PolicyCases.onDevice("lo"), PolicyCases.dsrFarms(),
                PolicyCases.dsrPaths("lo", "lo"));
        viaNft.nft(NftText.render(table));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(table));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    /**
     * Stateless dNAT sessions (pinned ports and addresses, persistence by each IPv4 key): nft and
     * netlink agree, and the kernel reads back what was compiled, the virtual address that
     * persistence keys hold as a constant included.
     */
    @Test
    void statelessDnatSessionsInstallAsNftInstallsThemAndReadBackAsCompiled(NetworkNamespace viaNft,
                                                                           NetworkNamespace viaNetlink) {
        List<Farm> farms = new java.util.ArrayList<>();
        List<io.nftlb.core.DsrPath> paths = new java.util.ArrayList<>();
        io.nftlb.core.Persistence.Key[] keys = io.nftlb.core.Persistence.Key.values();
        for (int i = 0; i < keys.length; i++) {
            Farm f = Farm.statelessDnat("10.0.0." + (50 + i)).port(80 + i).named("s" + i)
                    .weighted(io.nftlb.core.Backend.of("b0", "10.1.0.10"), io.nftlb.core.Backend.of("b1", "10.1.0.11"))
                    .persistence(new io.nftlb.core.Persistence(keys[i], java.time.Duration.ofMinutes(5)));
            if (i == 0) {
                f = f.staticSession("192.0.2.7", "b1").staticSession("192.0.2.8", 40000, "b0");
            }
            farms.add(f);
            paths.add(io.nftlb.core.DsrPath.of("s" + i).in("lo", "02:00:00:00:00:02").out("lo", "02:00:00:00:00:01")
                    .backend("b0", "02:00:00:00:01:10").backend("b1", "02:00:00:00:01:11"));
        }
        Table table = io.nftlb.core.compile.IngressCompiler.compile(List.of(), farms, paths);
        viaNft.nft(NftText.render(table));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(Planner.create(table));
            assertEquals(List.of(), TableComparison.differences(table, nl.read(PolicyCompiler.TABLE).orElseThrow()));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    @Test
    void elementChangesThroughTheRuntimeListAsACompileOfTheResult(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        List<Farm> farms = UseCases.all();
        List<Policy> start = PolicyCases.onDevice("lo");
        try (LoadBalancer lb = LoadBalancer.builder(NetlinkTransport.openInNamespace(viaNetlink.name())).farms(farms)
                .policies(start).open()) {
            String rulesBefore = viaNetlink.exec("nft", "-a", "list", "chain", "netdev", "nftlb", "ingress-lo").stdout();
            lb.addNetworks("bad", "172.16.0.0/12", "fd00:7::1", "10.20.0.1-10.20.0.200").join();
            lb.removeNetworks("bad", "10.0.0.3", "fd00:9::/64").join();
            lb.removeNetworks("staff", "10.8.0.0/16").join();
            String rulesAfter = viaNetlink.exec("nft", "-a", "list", "chain", "netdev", "nftlb", "ingress-lo").stdout();
            assertEquals(rulesBefore, rulesAfter, "rules and their handles stay as they were");
            viaNft.nft(NftText.render(PolicyCompiler.compile(lb.policies(), farms)));
        }
        assertEquals(viaNft.execOrThrow("nft", "list", "table", "netdev", "nftlb").stdout(),
                viaNetlink.execOrThrow("nft", "list", "table", "netdev", "nftlb").stdout());
    }

    @Test
    void aHundredThousandNetworksLoadInOneTransaction(NetworkNamespace ns) throws Exception {
        int count = 100_000;
        List<Network> networks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // 100.64.0.0/10 holds 4M addresses: every 32nd one keeps the blocks apart.
            int a = (100 << 24) | (64 << 16) | (i * 32);
            networks.add(Network.parse(InetAddress.getByAddress(new byte[] {
                (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}).getHostAddress() + "/30"));
        }
        Policy big = Policy.blacklist("big").on("lo").networks(networks);
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            long before = nl.generation();
            long t0 = System.nanoTime();
            nl.commit(Planner.create(PolicyCompiler.compile(List.of(big), UseCases.all())));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long after = nl.generation();
            System.out.printf("PolicyNetlinkIT: %d networks committed in %d ms%n", count, ms);
            assertEquals(before + 1, after, "one transaction: the generation moved from " + before + " to " + after);
        }
        String listed = ns.execOrThrow("nft", "list", "set", "netdev", "nftlb", "policy4-big").stdout();
        long elements = listed.chars().filter(c -> c == '/').count();
        assertEquals(count, elements, "elements listed by nft");
        assertTrue(listed.contains("100.112.211.224/30"), "the last network (element " + (count - 1) + ") is there");
    }
}
