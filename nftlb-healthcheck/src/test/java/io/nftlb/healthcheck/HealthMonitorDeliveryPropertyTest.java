package io.nftlb.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.junit.jupiter.api.Test;

/**
 * What the sink heard agrees with what the monitor sees, whatever the order of probes,
 * coalesced deliveries and farm updates, including a farm update that lands while the sink is
 * being called (as one from another thread would: the sink call is where delivery waits).
 *
 * <p>The model of the sink is the runtime's: a backend it has not heard of is UP (backends start
 * UP), and a backend removed from the farm is forgotten, so one added again is UP until told.
 */
class HealthMonitorDeliveryPropertyTest {

    static final List<String> NAMES = List.of("b0", "b1", "b2", "b3");
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration COALESCE = Duration.ofMillis(100);

    static Farm farm(java.util.Collection<String> names) {
        return Farm.dnat("10.0.0.1").port(80).named("web").backends(names.stream()
                .map(n -> Backend.of(n, "10.1.0." + (11 + NAMES.indexOf(n)))).toArray(Backend[]::new));
    }

    /** A monitor over fake time, its farm, and the sink's view of it. */
    static final class Driven implements BackendStateSink {
        final FakeClock clock = FakeClock.create();
        final FakeScheduler scheduler = new FakeScheduler(clock);
        final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
        final TreeSet<String> watched = new TreeSet<>(List.of("b0", "b1"));
        /** The sink's view: the last state it heard per backend (absent: UP). */
        final Map<String, BackendState> heard = new LinkedHashMap<>();
        /** A backend the next sink call removes from the farm, if any. */
        Optional<String> removeOnNextCall = Optional.empty();
        final HealthMonitor monitor;

        Driven() {
            NAMES.forEach(n -> healthy.put(n, true));
            HealthCheck scripted = HealthCheck.named("scripted",
                    t -> healthy.get(t.backend()) ? HealthResult.up("fine") : HealthResult.down("broken"));
            monitor = HealthMonitor.builder(this).watch(farm(watched), CheckPolicy.of(scripted).interval(INTERVAL)
                            .rise(1).fall(1)).clock(clock).scheduler(scheduler).executor(Runnable::run)
                    .spreadFirstProbes(false).coalesce(COALESCE).build();
            monitor.start();
        }

        @Override
        public void stateChanged(String farm, String backend, BackendState state) {
            heard.put(backend, state);
            Optional<String> remove = removeOnNextCall;
            removeOnNextCall = Optional.empty();
            remove.ifPresent(this::remove);
        }

        @Override
        public void weightsChanged(String farm, Map<String, Integer> weights) {
        }

        void remove(String backend) {
            if (watched.size() > 1 && watched.remove(backend)) {
                monitor.update(farm(watched));
                heard.remove(backend); // the runtime forgets a removed backend
            }
        }

        void add(String backend) {
            if (watched.add(backend)) {
                monitor.update(farm(watched));
            }
        }

        /** Every backend probed once at its current health, then one coalescing window. */
        void settle() {
            scheduler.advance(INTERVAL);
            scheduler.advance(COALESCE);
            removeOnNextCall = Optional.empty();
            Map<String, BackendState> monitorSees = new TreeMap<>();
            Map<String, BackendState> sinkHeard = new TreeMap<>();
            for (String b : watched) {
                monitorSees.put(b, monitor.state("web", b));
                sinkHeard.put(b, heard.getOrDefault(b, BackendState.UP));
            }
            assertEquals(monitorSees, sinkHeard, "the sink's view after a quiet window");
        }

        @Override
        public String toString() {
            return "watching " + watched + ", sink heard " + heard;
        }
    }

    @Property(tries = 400)
    void theSinkEndsUpWithTheStateTheMonitorSees(@ForAll("chains") ActionChain<Driven> chain) {
        chain.run().settle();
    }

    @Provide
    Arbitrary<ActionChain<Driven>> chains() {
        Arbitrary<String> name = Arbitraries.of(NAMES);
        Action.Independent<Driven> health = () -> Combinators.combine(name, Arbitraries.of(true, false))
                .as((n, up) -> Transformer.mutate(n + (up ? " healthy" : " broken"), d -> d.healthy.put(n, up)));
        Action.Independent<Driven> advance = () -> Arbitraries.integers().between(0, 1500)
                .map(ms -> Transformer.mutate("advance " + ms + " ms",
                        d -> d.scheduler.advance(Duration.ofMillis(ms))));
        Action.Independent<Driven> remove = () -> name.map(n -> Transformer.mutate("remove " + n, d -> d.remove(n)));
        Action.Independent<Driven> add = () -> name.map(n -> Transformer.mutate("add " + n, d -> d.add(n)));
        Action.Independent<Driven> removeDuringDelivery = () -> name.map(n -> Transformer.mutate(
                "remove " + n + " during the next sink call", d -> d.removeOnNextCall = Optional.of(n)));
        Action.Independent<Driven> settle = () -> Arbitraries.just(Transformer.mutate("settle", Driven::settle));
        return ActionChain.startWith(Driven::new)
                .withAction(3, health).withAction(3, advance).withAction(1, remove).withAction(1, add)
                .withAction(2, removeDuringDelivery).withAction(1, settle).withMaxTransformations(30);
    }

    /** The shortest interleaving the property found on a monitor that kept delivery state under two locks. */
    @Test
    void aBackendRemovedWhileItsStateIsDeliveredAndAddedAgainIsReportedAfresh() {
        Driven d = new Driven();
        d.removeOnNextCall = Optional.of("b1");
        d.healthy.put("b1", false);
        d.scheduler.advance(INTERVAL.plus(COALESCE)); // b1 DOWN, delivered; the sink call removes b1
        d.add("b1"); // back, UP as configured, and still broken
        d.settle();
        assertEquals(List.of("b0", "b1"), new ArrayList<>(d.watched));
        assertEquals(BackendState.DOWN, d.heard.get("b1"));
    }
}
