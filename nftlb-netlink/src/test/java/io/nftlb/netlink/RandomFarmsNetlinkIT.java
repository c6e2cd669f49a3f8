package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.Scheduler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.NetworkNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The kernel as oracle over random farms: any valid farm (random scheduler, weights, states,
 * ports, persistence, sNAT or dNAT, IPv4) compiled by RulesetCompiler and committed through
 * netlink lists exactly as its rendered text loaded with {@code nft -f}. One pair of namespaces
 * for all tries, flushed between tries (namespaces are slow to make). jqwik does not run JUnit
 * extensions, so this class creates its namespaces itself (root needed, as for every *IT).
 */
@Tag("netns")
class RandomFarmsNetlinkIT {

    static NetworkNamespace viaNft;
    static NetworkNamespace viaNetlink;

    @BeforeContainer
    static void namespaces() {
        viaNft = NetworkNamespace.create();
        viaNetlink = NetworkNamespace.create();
    }

    @AfterContainer
    static void removeNamespaces() {
        if (viaNft != null) {
            viaNft.close();
        }
        if (viaNetlink != null) {
            viaNetlink.close();
        }
    }

    @Provide
    Arbitrary<List<Farm>> farmLists() {
        // Two farms may not serve the same protocol, address and port (the compiler refuses it).
        return farms().list().ofMinSize(1).ofMaxSize(3).filter(RandomFarmsNetlinkIT::distinctServices).map(fs -> {
            List<Farm> named = new ArrayList<>();
            for (int i = 0; i < fs.size(); i++) {
                named.add(fs.get(i).named("f" + i));
            }
            return named;
        });
    }

    static boolean distinctServices(List<Farm> farms) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Farm f : farms) {
            for (var vip : f.addresses()) {
                for (var ports : f.ports()) {
                    for (int port = ports.from(); port <= ports.to(); port++) {
                        if (!seen.add(f.protocol() + " " + vip + " " + port)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    Arbitrary<Farm> farms() {
        Arbitrary<Backend> backend = Combinators.combine(Arbitraries.integers().between(10, 250),
                Arbitraries.integers().between(0, 100), Arbitraries.of(BackendState.values()),
                Arbitraries.integers().between(1, 65535).optional())
                .as((host, w, st, port) -> {
                    Backend b = Backend.at("10.1.0." + host).weight(w).state(st);
                    return port.isPresent() ? b.port(port.get()) : b;
                });
        Arbitrary<List<Backend>> backends = backend.list().ofMinSize(1).ofMaxSize(5)
                .uniqueElements(b -> b.address());
        Arbitrary<Scheduler> scheduler = Arbitraries.of(Scheduler.roundRobin(), Scheduler.weighted(),
                Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS),
                Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.SOURCE_PORT),
                Scheduler.symmetricHash());
        Arbitrary<Farm> base = Combinators.combine(Arbitraries.integers().between(1, 250), Arbitraries.of(true, false))
                .as((host, dnat) -> dnat ? Farm.dnat("10.0.9." + host) : Farm.snat("10.0.9." + host));
        Arbitrary<int[]> ports = Arbitraries.integers().between(1, 65535).list().ofMinSize(1).ofMaxSize(3)
                .uniqueElements().map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        Arbitrary<java.util.Optional<Persistence>> persistence = Combinators.combine(
                Arbitraries.of(Persistence.Key.SOURCE_ADDRESS, Persistence.Key.SOURCE_ADDRESS_PORT,
                        Persistence.Key.DESTINATION),
                Arbitraries.integers().between(1, 3600)).as((k, s) -> new Persistence(k, Duration.ofSeconds(s)))
                .optional();
        return Combinators.combine(base, ports, Arbitraries.of(true, false), scheduler, backends, persistence)
                .as((f, p, udp, s, bs, pers) -> {
                    Farm farm = f.ports(p);
                    farm = udp ? farm.udp() : farm.tcp();
                    farm = farm.scheduler(s).backends(bs);
                    return pers.isPresent() ? farm.persistence(pers.get()) : farm;
                });
    }

    @Property(tries = 30)
    void netlinkInstallsWhatNftInstalls(@ForAll("farmLists") List<Farm> farms) {
        viaNft.execOrThrow("nft", "flush", "ruleset");
        viaNetlink.execOrThrow("nft", "flush", "ruleset");
        RulesetCompiler.Compiled compiled = RulesetCompiler.compile(farms);
        viaNft.nft(NftText.render(compiled.ruleset()));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(compiled.ruleset().tables().get(0)));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset(), farms.toString());
    }
}
