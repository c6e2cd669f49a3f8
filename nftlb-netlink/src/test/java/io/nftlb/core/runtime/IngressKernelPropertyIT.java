package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.Policy;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.IngressCompiler;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.plan.TableComparison;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * The runtime's netdev table against the kernel, as a jqwik stateful property: random chains of
 * calls on DSR and stateless dNAT farms (put a random farm: scheduler, weights, states,
 * priorities, persistence, static sessions (by client port too for stateless dNAT), one or both IP
 * versions; remove it; re-weight or
 * change the state of a backend; apply a blacklist or whitelist, add a network to it) through a load balancer over netlink. After every call the netdev table read back
 * from the kernel is what {@link IngressCompiler} makes of the load balancer's farms and paths,
 * at the slots their farm ids give them (learnt elements aside, as drift checks compare).
 */
@Tag("netns")
class IngressKernelPropertyIT {

    static final int FARMS = 4;
    static final int BACKENDS = 4;
    static final String OUT_MAC = "02:00:00:00:00:01";

    static PropertyKernel kernel;

    @BeforeContainer
    static void namespace() {
        kernel = new PropertyKernel();
    }

    @AfterContainer
    static void removeNamespace() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @AfterTry
    void closeLoadBalancer() {
        kernel.closeLoadBalancer();
    }

    /** Farm {@code d<index>}'s path: in and out by lo (with a MAC, for stateless replies), every backend it may have with a MAC. */
    static DsrPath path(int index) {
        DsrPath p = DsrPath.of("d" + index).in("lo", "02:00:00:00:00:02").out("lo", OUT_MAC);
        for (int j = 0; j < BACKENDS; j++) {
            p = p.backend("b" + j, "02:00:00:00:%02x:%02x".formatted(index, j));
        }
        return p;
    }

    /** A random DSR farm {@code d<index>} on 10.0.index.1 and/or fd00::index+1. */
    static Farm farm(int index, Random random) {
        int family = random.nextInt(3); // 0: IPv4; 1: IPv6; 2: both
        List<String> vips = new ArrayList<>();
        if (family != 1) {
            vips.add("10.0." + index + ".1");
        }
        if (family != 0) {
            vips.add("fd00::" + (index + 1));
        }
        boolean stateless = random.nextInt(3) == 0;
        Farm f = (stateless ? Farm.statelessDnat(vips.toArray(String[]::new)) : Farm.dsr(vips.toArray(String[]::new)))
                .named("d" + index);
        f = switch (random.nextInt(3)) {
            case 0 -> f.port(80);
            case 1 -> f.ports(80, 443);
            default -> f.portRange(8000, 8099);
        };
        f = f.scheduler(switch (random.nextInt(4)) {
            case 0 -> Scheduler.roundRobin();
            case 1 -> Scheduler.weighted();
            case 2 -> Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS);
            default -> Scheduler.symmetricHash();
        });
        int count = 1 + random.nextInt(BACKENDS);
        for (int j = 0; j < count; j++) {
            boolean v4 = family == 0 || family == 2 && random.nextBoolean();
            String address = v4 ? "10.1." + index + "." + (10 + j)
                    : "fd00:1::" + Integer.toHexString(index * 256 + 10 + j);
            Backend b = Backend.of("b" + j, address)
                    .weight(random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(100));
            if (random.nextInt(4) == 0) {
                b = b.state(BackendState.values()[random.nextInt(BackendState.values().length)]);
            }
            if (random.nextInt(5) == 0) {
                b = b.priority(2);
            }
            f = f.backend(b);
        }
        if (random.nextInt(2) == 0) {
            f = f.persistence(new Persistence(random.nextBoolean() ? Persistence.Key.SOURCE_ADDRESS
                    : Persistence.Key.SOURCE_ADDRESS_PORT, Duration.ofSeconds(1 + random.nextInt(600))));
        }
        // Stateless dNAT writes a pinned backend's address over the client's destination: an IPv4
        // client is pinned to an IPv4 backend. DSR forwards by MAC: any backend.
        List<String> pinnable = f.backends().stream()
                .filter(b -> !stateless || b.family() == io.nftlb.core.IpFamily.IPV4).map(Backend::name).toList();
        if (family != 1 && !pinnable.isEmpty() && random.nextInt(3) == 0) {
            f = f.staticSession("192.168." + index + ".7", pinnable.get(random.nextInt(pinnable.size())));
        }
        if (stateless && family != 1 && !pinnable.isEmpty() && random.nextInt(3) == 0) {
            f = f.staticSession("192.168." + index + ".8", 40000 + index, pinnable.get(random.nextInt(pinnable.size())));
        }
        return f;
    }

    /** A load balancer with every path set, and the farms it should hold. */
    final class Driven {
        final LoadBalancer lb;
        final Map<String, Farm> farms = new LinkedHashMap<>();

        Driven() {
            List<DsrPath> paths = new ArrayList<>();
            for (int i = 0; i < FARMS; i++) {
                paths.add(path(i));
            }
            lb = kernel.open(b -> b.paths(paths));
        }

        void put(int index, long seed) {
            Farm f = farm(index, new Random(seed));
            farms.put(f.name(), f);
            lb.apply(f).join();
        }

        void remove(int index) {
            farms.remove("d" + index);
            lb.remove("d" + index).join();
        }

        void reweight(int index, int backend, int weight) {
            Farm f = farms.get("d" + index);
            if (f == null) {
                return;
            }
            String b = f.backends().get(backend % f.backends().size()).name();
            farms.put(f.name(), f.backend(b, x -> x.weight(weight)));
            lb.setWeight(f.name(), b, weight).join();
        }

        void setState(int index, int backend, BackendState state) {
            Farm f = farms.get("d" + index);
            if (f == null) {
                return;
            }
            String b = f.backends().get(backend % f.backends().size()).name();
            farms.put(f.name(), f.backend(b, x -> x.state(state)));
            lb.setState(f.name(), b, state).join();
        }

        /** A blacklist or whitelist on lo, for one farm or all, with a few random networks. */
        void applyPolicy(int index, long seed) {
            Random random = new Random(seed);
            Policy p = random.nextBoolean() ? Policy.blacklist("p" + index) : Policy.whitelist("p" + index);
            p = p.on("lo");
            if (random.nextBoolean()) {
                p = p.forFarm("d" + random.nextInt(FARMS));
            }
            for (int n = random.nextInt(3); n > 0; n--) {
                p = p.networks(random.nextBoolean() ? "192.0." + (n * 10 + index) + ".0/24"
                        : "2001:db8:" + Integer.toHexString(n * 16 + index) + "::/48");
            }
            lb.applyPolicy(p).join();
        }

        void addNetwork(int index, int octet) {
            if (lb.policies().stream().noneMatch(p -> p.name().equals("p" + index))) {
                return;
            }
            String network = "198.51." + index + "." + octet;
            Policy p = lb.policies().stream().filter(x -> x.name().equals("p" + index)).findFirst().orElseThrow();
            if (p.networks().stream().anyMatch(n -> n.toString().equals(network))) {
                return;
            }
            lb.addNetworks("p" + index, network).join();
        }

        /** The netdev table the kernel should hold: the compiler's, at the farms' slots. */
        Table expected() {
            List<Farm> all = lb.farms();
            List<DsrPath> paths = all.stream().filter(f -> f.forwarding().servedAtIngress())
                    .map(f -> path(Integer.parseInt(f.name().substring(1)))).toList();
            return IngressCompiler.compile(lb.policies(), all, paths,
                    name -> lb.ids(name).orElseThrow().farmId() * IngressCompiler.SLOTS);
        }

        @Override
        public String toString() {
            return "farms " + farms.keySet();
        }
    }

    @Property(tries = 25)
    void theKernelHoldsTheCompiledNetdevTableAfterEveryCall(@ForAll("chains") ActionChain<Driven> chain) {
        chain.withInvariant("netdev table equals compiled", d -> {
            assertEquals(new java.util.HashSet<>(d.farms.values()), new java.util.HashSet<>(d.lb.farms()));
            if (d.farms.isEmpty() && d.lb.policies().isEmpty()) {
                return; // the table stays, emptied, once made; nothing to compare it with but emptiness
            }
            Table expected = d.expected();
            List<String> differences = kernel.probe.read(PolicyCompiler.TABLE)
                    .map(t -> TableComparison.differences(kernel.probe.readForm(expected), t))
                    .orElse(List.of("table " + PolicyCompiler.TABLE + " is missing"));
            assertEquals(List.of(), differences, "after " + chain.transformations());
        }).run();
    }

    @Provide
    Arbitrary<ActionChain<Driven>> chains() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, FARMS - 1);
        Arbitrary<Integer> backend = Arbitraries.integers().between(0, BACKENDS - 1);
        Action.Independent<Driven> put = () -> net.jqwik.api.Combinators.combine(index, Arbitraries.longs())
                .as((i, seed) -> Transformer.mutate("put d" + i + " #" + seed, d -> d.put(i, seed)));
        Action.Independent<Driven> remove = () -> index.map(i -> Transformer.mutate("remove d" + i, d -> d.remove(i)));
        Action.Independent<Driven> reweight = () -> net.jqwik.api.Combinators.combine(index, backend,
                        Arbitraries.integers().between(0, 100))
                .as((i, b, w) -> Transformer.mutate("weight d" + i + " b" + b + " " + w, d -> d.reweight(i, b, w)));
        Action.Independent<Driven> state = () -> net.jqwik.api.Combinators.combine(index, backend,
                        Arbitraries.of(BackendState.class))
                .as((i, b, s) -> Transformer.mutate("state d" + i + " b" + b + " " + s, d -> d.setState(i, b, s)));
        Arbitrary<Integer> policy = Arbitraries.integers().between(0, 1);
        Action.Independent<Driven> applyPolicy = () -> net.jqwik.api.Combinators.combine(policy, Arbitraries.longs())
                .as((i, seed) -> Transformer.mutate("policy p" + i + " #" + seed, d -> d.applyPolicy(i, seed)));
        Action.Independent<Driven> addNetwork = () -> net.jqwik.api.Combinators.combine(policy,
                        Arbitraries.integers().between(1, 254))
                .as((i, o) -> Transformer.mutate("network p" + i + " ." + o, d -> d.addNetwork(i, o)));
        return ActionChain.startWith(Driven::new).withAction(3, put).withAction(1, remove).withAction(2, reweight)
                .withAction(2, state).withAction(1, applyPolicy).withAction(1, addNetwork).withMaxTransformations(12);
    }
}
