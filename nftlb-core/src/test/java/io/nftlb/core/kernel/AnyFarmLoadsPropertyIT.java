package io.nftlb.core.kernel;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.Protocol;
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
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any valid farm compiles, renders, and is accepted by the kernel. jqwik does not run JUnit
 * extensions, so the namespace is made here; {@link NetworkNamespace#requireAvailable} applies the same
 * skip-or-fail rule as {@code @RequiresNetns}.
 */
class AnyFarmLoadsPropertyIT {

    private static NetworkNamespace ns;

    @BeforeContainer
    static void namespace() {
        NetworkNamespace.requireAvailable();
        ns = NetworkNamespace.create();
    }

    @AfterContainer
    static void cleanup() {
        if (ns != null) {
            ns.close();
        }
    }

    @Property(tries = 40)
    void anyValidFarmLoads(@ForAll("farms") List<Farm> farms) {
        String text = NftText.render(RulesetCompiler.compile(farms).ruleset());
        ns.nft("flush ruleset\n" + text);
    }

    @Provide
    Arbitrary<List<Farm>> farms() {
        Arbitrary<Farm> farm = Combinators.combine(
                Arbitraries.integers().between(0, 9),       // forwarding (even dnat, odd snat), persistence key
                Arbitraries.integers().between(0, 3),       // scheduler
                Arbitraries.integers().between(1, 6),       // backends
                Arbitraries.integers().between(0, 10),      // weight seed
                Arbitraries.integers().between(1, 60000),   // first port
                Arbitraries.integers().between(0, 2),       // protocol
                Arbitraries.integers().between(0, 4)        // states seed
        ).as(AnyFarmLoadsPropertyIT::farm);
        return farm.list().ofMinSize(1).ofMaxSize(5).map(AnyFarmLoadsPropertyIT::distinct);
    }

    private static Farm farm(int kind, int scheduler, int backends, int weightSeed, int port, int protocol,
                             int statesSeed) {
        Farm f = (kind % 2 == 0 ? Farm.dnat("10.0.0.40") : Farm.snat("10.0.0.40")).port(port)
                .protocol(Protocol.values()[protocol]);
        f = f.scheduler(switch (scheduler) {
            case 0 -> Scheduler.roundRobin();
            case 1 -> Scheduler.weighted();
            case 2 -> Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.DESTINATION_PORT);
            default -> Scheduler.symmetricHash();
        });
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            Backend b = Backend.of("b" + i, "10.1.0." + (10 + i)).weight((weightSeed * (i + 3)) % 11)
                    .priority(1 + (i % 2)).state(BackendState.values()[(statesSeed + i) % 4]);
            if (i % 3 == 2) {
                b = b.port(8000 + i);
            }
            list.add(b);
        }
        f = f.backends(list);
        int key = kind / 2 - 1; // -1: no persistence
        if (key >= 0) {
            f = f.persistence(new Persistence(Persistence.Key.values()[key], Duration.ofSeconds(30 + port % 90)));
        }
        return f;
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
