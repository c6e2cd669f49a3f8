package io.nftlb.core.kernel;

import com.google.common.net.InetAddresses;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Inspection;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.IpFamily;
import io.nftlb.core.Limits;
import io.nftlb.core.Persistence;
import io.nftlb.core.Policy;
import io.nftlb.core.Rate;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.render.NftText;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any valid set of farms compiles, renders, and is accepted by the kernel: the generator covers
 * forwarding (dNAT, sNAT, stateless dNAT and DSR at ingress), schedulers, weights, priorities,
 * states and ports of backends, persistence, limits, helpers, IPv4, IPv6 and dual-stack
 * farms, inspection (log, and queue where {@link KernelFeature#NFT_QUEUE} says the kernel has
 * it) and ingress policies. A decoration the DSL refuses for a farm (a helper of another
 * protocol, say) is left off that farm: the property is about farms the DSL accepts. jqwik does
 * not run JUnit extensions, so the namespace is made here; {@link NetworkNamespace#requireAvailable}
 * applies the same skip-or-fail rule as {@code @RequiresNetns}.
 */
class AnyFarmLoadsPropertyIT {

    private static final String IN = "in0";
    private static final String OUT = "out0";

    private static NetworkNamespace ns;
    private static boolean queue;

    @BeforeContainer
    static void namespace() {
        NetworkNamespace.requireAvailable();
        queue = KernelFeature.NFT_QUEUE.evidence().present();
        ns = NetworkNamespace.create();
        ns.execOrThrow("ip", "link", "add", IN, "type", "veth", "peer", "name", OUT); // ingress hooks need devices
        for (String device : List.of(IN, OUT)) {
            ns.execOrThrow("ip", "link", "set", device, "up");
        }
    }

    @AfterContainer
    static void cleanup() {
        if (ns != null) {
            ns.close();
        }
    }

    @Property(tries = 40)
    void anyValidFarmLoads(@ForAll("farms") List<Farm> farms) {
        // Farms at ingress go to the netdev table only, as the load balancer splits them.
        StringBuilder text = new StringBuilder(NftText.render(RulesetCompiler.compile(
                farms.stream().filter(f -> !f.forwarding().servedAtIngress()).toList()).ruleset()));
        List<DsrPath> paths = farms.stream().filter(f -> f.forwarding().servedAtIngress()).map(AnyFarmLoadsPropertyIT::path)
                .toList();
        List<Policy> policies = new ArrayList<>();
        for (Farm f : farms) {
            if (f.ports().get(0).from() % 3 == 0) { // about a third of the farms, at random
                policies.add(Policy.blacklist("p-" + f.name()).on(IN).forFarm(f.name())
                        .networks(f.family() == IpFamily.IPV6 ? "2001:db8::/32" : "192.0.2.0/24"));
            }
        }
        if (!paths.isEmpty() || !policies.isEmpty()) {
            text.append(NftText.render(IngressCompiler.compile(policies, farms, paths)));
        }
        ns.nft("flush ruleset\n" + text);
        // Each kind of farm the generator is meant to reach is reached in some tries (checked after the last).
        for (var kind : java.util.Map.<String, java.util.function.Predicate<Farm>>of(
                "limits", f -> f.limits().any() || f.limits().log().isPresent(),
                "helper", f -> f.helper().isPresent(),
                "IPv6", f -> f.family() != IpFamily.IPV4,
                "inspection", f -> !f.inspection().equals(Inspection.none()),
                "ingress", f -> f.forwarding().servedAtIngress(),
                "ingress persistence", f -> f.forwarding().servedAtIngress() && f.persistence().isPresent()).entrySet()) {
            Statistics.label(kind.getKey()).collect(farms.stream().anyMatch(kind.getValue()));
            Statistics.label(kind.getKey()).coverage(c -> c.check(true).percentage(p -> p > 0));
        }
        Statistics.label("policy").collect(!policies.isEmpty());
        Statistics.label("policy").coverage(c -> c.check(true).percentage(p -> p > 0));
    }

    @Provide
    Arbitrary<List<Farm>> farms() {
        Arbitrary<Farm> base = Combinators.combine(
                Arbitraries.integers().between(0, 9),       // forwarding (even dnat, odd snat), persistence key
                Arbitraries.integers().between(0, 3),       // scheduler
                Arbitraries.integers().between(1, 6),       // backends
                Arbitraries.integers().between(0, 10),      // weight seed
                Arbitraries.integers().between(1, 60000),   // first port
                Arbitraries.integers().between(0, 2),       // protocol
                Arbitraries.integers().between(0, 4),       // states seed
                Arbitraries.integers().between(0, 2)        // family: IPv4, IPv6, both
        ).as(AnyFarmLoadsPropertyIT::farm);
        Arbitrary<Tuple.Tuple4<Integer, Integer, Integer, Integer>> extras = Combinators.combine(
                Arbitraries.integers().between(0, 6),       // limits
                Arbitraries.integers().between(0, Helper.values().length), // helper (0: none)
                Arbitraries.integers().between(0, 3),       // inspection
                Arbitraries.integers().between(0, 4)        // at ingress: 0-2 no, 3 stateless dNAT, 4 DSR
        ).as(Tuple::of);
        Arbitrary<Farm> farm = Combinators.combine(base, extras).as((f, e) -> decorate(f, e.get1(), e.get2(),
                e.get3(), e.get4()));
        return farm.list().ofMinSize(1).ofMaxSize(5).map(AnyFarmLoadsPropertyIT::distinct);
    }

    private static Farm farm(int kind, int scheduler, int backends, int weightSeed, int port, int protocol,
                             int statesSeed, int family) {
        String[] vips = switch (family) {
            case 0 -> new String[] {"10.0.0.40"};
            case 1 -> new String[] {"fd00::40"};
            default -> new String[] {"10.0.0.40", "fd00::40"};
        };
        Farm f = (kind % 2 == 0 ? Farm.dnat(vips) : Farm.snat(vips)).port(port)
                .protocol(Protocol.values()[protocol]);
        f = f.scheduler(switch (scheduler) {
            case 0 -> Scheduler.roundRobin();
            case 1 -> Scheduler.weighted();
            case 2 -> Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.DESTINATION_PORT);
            default -> Scheduler.symmetricHash();
        });
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            boolean v6 = family == 1 || family == 2 && i % 2 == 1;
            String address = v6 ? "fd00:1::" + Integer.toHexString(0x10 + i) : "10.1.0." + (10 + i);
            Backend b = Backend.of("b" + i, address).weight((weightSeed * (i + 3)) % 11)
                    .priority(1 + (i % 2)).state(BackendState.values()[(statesSeed + i) % 4]);
            if (i % 3 == 2) {
                b = b.port(8000 + i);
            }
            list.add(b);
        }
        f = f.backends(list);
        int key = kind / 2 - 1; // -1: no persistence
        // nft 1.0.6 aborts on dynset keys over 16 bytes (farm-scoped IPv6 persistence), which the kernel
        // accepts through netlink: this property loads with nft, so its IPv6 farms have no persistence.
        if (key >= 0 && family == 0) {
            f = f.persistence(new Persistence(Persistence.Key.values()[key], Duration.ofSeconds(30 + port % 90)));
        }
        return f;
    }

    private static Farm decorate(Farm f, int limits, int helper, int inspection, int ingress) {
        if (ingress >= 3) { // the same service at ingress (persistence too, kept there without conntrack), no backend ports
            Farm plain = f;
            String[] vips = plain.addresses().stream().map(InetAddresses::toAddrString).toArray(String[]::new);
            List<Backend> portless = plain.backends().stream().map(b -> Backend.of(b.name(),
                    InetAddresses.toAddrString(b.address())).weight(b.weight()).priority(b.priority()).state(b.state()))
                    .toList();
            f = orAsIs(f, g -> (ingress == 3 ? Farm.statelessDnat(vips) : Farm.dsr(vips))
                    .port(plain.ports().get(0).from()).protocol(plain.protocol()).scheduler(plain.scheduler())
                    .backends(portless));
            if (plain.persistence().isPresent()) {
                f = orAsIs(f, g -> g.persistence(plain.persistence().get()));
            }
        }
        f = orAsIs(f, g -> g.limits(switch (limits) {
            case 0 -> Limits.none();
            case 1 -> Limits.none().newConnections(Rate.perSecond(50).burst(10));
            case 2 -> Limits.none().connectionsPerClient(20);
            case 3 -> Limits.none().resets(Rate.perSecond(5)).strictTcp();
            case 4 -> Limits.none().newConnections(Rate.perMinute(600)).ban(Duration.ofMinutes(2));
            case 5 -> Limits.none().newConnections(Rate.perSecond(100)).log("lim-", Rate.perMinute(10));
            default -> Limits.none().newConnections(Rate.perSecond(100)).verdict(Limits.Verdict.LOG).log("obs-");
        }));
        if (helper > 0) {
            f = orAsIs(f, g -> g.helper(Helper.values()[helper - 1]));
        }
        return orAsIs(f, g -> g.inspection(switch (inspection) {
            case 0 -> Inspection.none();
            case 1 -> Inspection.none().log("in-");
            case 2 -> Inspection.none().log("in-", Rate.perSecond(20));
            default -> queue ? Inspection.none().log("q-").queue(3, true) : Inspection.none().log("q-");
        }));
    }

    /** {@code change(f)}, or {@code f} as it was when the DSL refuses the change for this farm. */
    private static Farm orAsIs(Farm f, UnaryOperator<Farm> change) {
        try {
            return change.apply(f);
        } catch (InvalidFarmException refused) {
            return f;
        }
    }

    /** Devices and MACs for a farm at ingress: every backend gets one. */
    private static DsrPath path(Farm f) {
        DsrPath p = DsrPath.of(f.name()).in(IN, "52:54:00:00:00:02").out(OUT, "52:54:00:00:00:01");
        for (int i = 0; i < f.backends().size(); i++) {
            p = p.backend(f.backends().get(i).name(), String.format("52:54:00:00:01:%02x", i));
        }
        return p;
    }

    /** Farms on one address need distinct names and ports: shift each by its index. */
    private static List<Farm> distinct(List<Farm> farms) {
        List<Farm> out = new ArrayList<>();
        for (int i = 0; i < farms.size(); i++) {
            Farm f = farms.get(i);
            out.add(f.named("f" + i).port(1 + (f.ports().get(0).from() + i * 1000) % 65000 + i));
        }
        return out;
    }
}
