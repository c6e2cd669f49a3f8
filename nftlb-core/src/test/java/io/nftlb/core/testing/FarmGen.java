package io.nftlb.core.testing;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Inspection;
import io.nftlb.core.Limits;
import io.nftlb.core.Persistence;
import io.nftlb.core.Protocol;
import io.nftlb.core.Rate;
import io.nftlb.core.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random farms and random changes to them, for property and kernel tests. Farm {@code fN}
 * always has the virtual addresses 10.0.N.1 and/or fd00::N, so farms never claim the same
 * service, whatever else is random. Only what the compiler supports is generated.
 */
public final class FarmGen {

    /** Farms are named f0 .. f(FARMS-1). */
    public static final int FARMS = 6;

    private FarmGen() {}

    /** The names of all farms actions may create. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FARMS; i++) {
            names.add("f" + i);
        }
        return names;
    }

    /** A random farm named {@code f<index>}, drawn from {@code random}. */
    public static Farm farm(int index, Random random) {
        int family = random.nextInt(4); // 0, 1: IPv4; 2: IPv6; 3: both
        boolean v4 = family != 2;
        boolean v6 = family >= 2;
        List<String> vips = new ArrayList<>();
        if (v4) {
            vips.add("10.0." + index + ".1");
        }
        if (v6) {
            vips.add("fd00::" + (index + 1));
        }
        boolean snat = random.nextBoolean();
        Farm f = (snat ? Farm.snat(vips.toArray(String[]::new)) : Farm.dnat(vips.toArray(String[]::new)))
                .named("f" + index);
        f = switch (random.nextInt(5)) {
            case 0 -> f.port(80);
            case 1 -> f.ports(80, 443);
            case 2 -> f.portRange(8000, 8099);
            case 3 -> f.ports(53).udp();
            default -> f.allPorts().protocol(random.nextBoolean() ? Protocol.ALL : Protocol.TCP);
        };
        f = f.scheduler(switch (random.nextInt(4)) {
            case 0 -> Scheduler.roundRobin();
            case 1 -> Scheduler.weighted();
            case 2 -> Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.DESTINATION_PORT);
            default -> Scheduler.symmetricHash();
        });
        int count = 1 + random.nextInt(4);
        for (int j = 0; j < count; j++) {
            f = f.backend(backend(index, j, v4 && (!v6 || random.nextBoolean()), random));
        }
        if (snat && v4 && !v6 && random.nextInt(4) == 0) {
            f = f.sourceAddress("10.2." + index + ".1");
        }
        if (v4 && !v6 && random.nextInt(3) == 0) {
            f = f.persistence(new Persistence(random.nextBoolean() ? Persistence.Key.SOURCE_ADDRESS
                    : Persistence.Key.SOURCE_ADDRESS_PORT, Duration.ofSeconds(1 + random.nextInt(600))));
        }
        if (v4 && !v6 && random.nextInt(4) == 0) {
            f = f.staticSession("192.168." + index + ".7", f.backends().get(0).name());
        }
        if (v4 && !v6 && random.nextInt(4) == 0) {
            String last = f.backends().get(f.backends().size() - 1).name();
            f = f.staticSession("192.168." + index + ".8", 40000 + index, last);
        }
        if (random.nextInt(5) == 0) {
            f = f.packetMark(0x100 + index);
        }
        boolean tcp = f.protocol() == Protocol.TCP || f.protocol() == Protocol.ALL;
        // IPv4 only: nft 1.0.6 cannot load the IPv6 limit keys, and kernel tests load with it too.
        if (v4 && !v6 && random.nextInt(4) == 0) {
            f = f.limits(limits(random, tcp));
        }
        if (tcp && random.nextInt(6) == 0) {
            f = f.helper(Helper.FTP);
        }
        if (random.nextInt(6) == 0) {
            f = f.inspection(random.nextBoolean() ? Inspection.none().log("f" + index + "-new ")
                    : Inspection.none().log("f" + index + "-new ", Rate.perSecond(1 + random.nextInt(10))));
        }
        return f;
    }

    private static Limits limits(Random random, boolean tcp) {
        Limits l = Limits.none();
        if (random.nextBoolean()) {
            l = l.newConnections(Rate.perSecond(1 + random.nextInt(100)).burst(random.nextInt(50)));
            if (random.nextBoolean()) {
                l = l.ban(Duration.ofSeconds(1 + random.nextInt(600)));
            }
        }
        if (random.nextBoolean()) {
            l = l.connectionsPerClient(1 + random.nextInt(100));
        }
        if (tcp && random.nextBoolean()) {
            l = l.strictTcp();
        }
        if (tcp && random.nextInt(3) == 0) {
            l = l.resets(Rate.perSecond(1 + random.nextInt(100)));
        }
        if (random.nextBoolean()) {
            l = random.nextBoolean() ? l.log("lim-") : l.log("lim-", Rate.perMinute(1 + random.nextInt(60)));
        }
        if (l.ban().isEmpty() && random.nextInt(4) == 0) {
            l = l.verdict(l.log().isEmpty() && random.nextBoolean() ? Limits.Verdict.ACCEPT : Limits.Verdict.LOG);
        }
        return l;
    }

    /** Backend {@code b<j>} of farm {@code index}. */
    public static Backend backend(int index, int j, boolean v4, Random random) {
        String address = v4 ? "10.1." + index + "." + (10 + j) : "fd00:1::" + Integer.toHexString(index * 256 + 10 + j);
        Backend b = Backend.of("b" + j, address).weight(random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(100));
        if (random.nextInt(4) == 0) {
            b = b.state(BackendState.values()[random.nextInt(BackendState.values().length)]);
        }
        if (random.nextInt(5) == 0) {
            b = b.priority(2);
        }
        if (random.nextInt(5) == 0) {
            b = b.port(8080);
        }
        if (random.nextInt(8) == 0) {
            b = b.packetMark(0x200 + j);
        }
        if (v4 && random.nextInt(8) == 0) {
            b = b.maxConnections(1 + random.nextInt(100));
        }
        return b;
    }

    /** One change to a set of farms; does nothing when what it names is not there. */
    public sealed interface Action {

        /** Applies the change to {@code farms} (name to farm). */
        void apply(Map<String, Farm> farms);
    }

    /** Adds farm {@code fN}, or replaces it with another random farm. */
    public record Put(int index, long seed) implements Action {
        public void apply(Map<String, Farm> farms) {
            farms.put("f" + index, farm(index, new Random(seed)));
        }
    }

    public record Remove(int index) implements Action {
        public void apply(Map<String, Farm> farms) {
            farms.remove("f" + index);
        }
    }

    public record Reweight(int index, int backend, int weight) implements Action {
        public void apply(Map<String, Farm> farms) {
            change(farms, index, backend, b -> b.weight(weight));
        }
    }

    public record SetState(int index, int backend, BackendState state) implements Action {
        public void apply(Map<String, Farm> farms) {
            change(farms, index, backend, b -> b.state(state));
        }
    }

    /** Adds a backend with the next free name, or removes one (and its static sessions). */
    public record AddOrRemoveBackend(int index, int backend, long seed) implements Action {
        public void apply(Map<String, Farm> farms) {
            Farm f = farms.get("f" + index);
            if (f == null) {
                return;
            }
            if (f.backends().size() > 1 && backend % 2 == 0) {
                farms.put(f.name(), f.withoutBackend(f.backends().get(backend % f.backends().size()).name()));
                return;
            }
            int j = 0;
            while (f.backend("b" + j).isPresent()) {
                j++;
            }
            Random random = new Random(seed);
            boolean v4 = f.addresses().stream().anyMatch(a -> a.getAddress().length == 4);
            boolean v6 = f.addresses().stream().anyMatch(a -> a.getAddress().length == 16);
            farms.put(f.name(), f.backend(FarmGen.backend(index, j, v4 && (!v6 || random.nextBoolean()), random)));
        }
    }

    /** Turns persistence on (IPv4 farms only: the compiler has none for IPv6 yet) or off. */
    public record TogglePersistence(int index, int seconds) implements Action {
        public void apply(Map<String, Farm> farms) {
            Farm f = farms.get("f" + index);
            if (f == null || f.addresses().stream().anyMatch(a -> a.getAddress().length == 16)) {
                return;
            }
            farms.put(f.name(), f.persistence().isPresent()
                    ? new Farm(f.name(), f.addresses(), f.ports(), f.protocol(), f.forwarding(), f.scheduler(),
                            Optional.empty(), f.staticSessions(), f.portSessions(), f.backends(), f.packetMark(),
                            f.limits(), f.helper(), f.inspection(), f.flowOffload(), f.intraConnect())
                    : f.persistent(Duration.ofSeconds(seconds)));
        }
    }

    private static void change(Map<String, Farm> farms, int index, int backend,
                               UnaryOperator<Backend> change) {
        Farm f = farms.get("f" + index);
        if (f != null && !f.backends().isEmpty()) {
            farms.put(f.name(), f.backend(f.backends().get(backend % f.backends().size()).name(), change));
        }
    }

    /** Random actions, weighted towards the everyday ones (weights and states). */
    public static Arbitrary<Action> actions() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, FARMS - 1);
        Arbitrary<Integer> backend = Arbitraries.integers().between(0, 7);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(index, seed).as(Put::new)),
                Tuple.of(1, index.map(Remove::new)),
                Tuple.of(4, Combinators.combine(index, backend,
                        Arbitraries.integers().between(0, 100)).as(Reweight::new)),
                Tuple.of(3, Combinators.combine(index, backend,
                        Arbitraries.of(BackendState.class)).as(SetState::new)),
                Tuple.of(2, Combinators.combine(index, backend, seed)
                        .as(AddOrRemoveBackend::new)),
                Tuple.of(1, Combinators.combine(index,
                        Arbitraries.integers().between(1, 600)).as(TogglePersistence::new)));
    }

    /** A random action sequence drawn from {@code random}, for tests outside jqwik (kernel tests). */
    public static List<Action> actions(Random random, int count) {
        List<Action> list = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int index = random.nextInt(FARMS);
            int backend = random.nextInt(8);
            list.add(switch (random.nextInt(15)) {
                case 0, 1, 2, 3 -> new Put(index, random.nextLong());
                case 4 -> new Remove(index);
                case 5, 6, 7, 8 -> new Reweight(index, backend, random.nextInt(101));
                case 9, 10, 11 -> new SetState(index, backend,
                        BackendState.values()[random.nextInt(BackendState.values().length)]);
                case 12, 13 -> new AddOrRemoveBackend(index, backend, random.nextLong());
                default -> new TogglePersistence(index, 1 + random.nextInt(600));
            });
        }
        return list;
    }
}
