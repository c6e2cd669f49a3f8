package io.nftlb.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.testing.FarmGen;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * The runtime against the kernel, as a jqwik stateful property: random chains of user calls
 * (add, replace or remove a farm, add or remove a backend, re-weight, change a state, toggle
 * persistence) through a load balancer over netlink; after every call the table read back from
 * the kernel is what the compiler makes of the load balancer's farms, and planning a ruleset
 * against itself plans nothing. One namespace for all tries ({@link PropertyKernel}).
 */
@Tag("netns")
class LoadBalancerKernelPropertyIT {

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

    /** A load balancer and the farms it should hold. */
    final class Driven {
        final LoadBalancer lb;
        final Map<String, Farm> farms = new LinkedHashMap<>();

        Driven() {
            lb = kernel.open(b -> b);
        }

        void perform(FarmGen.Action action) {
            Driver.perform(lb, farms, action).join();
        }

        @Override
        public String toString() {
            return "farms " + farms.keySet();
        }
    }

    @Property(tries = 12)
    void theKernelHoldsTheCompiledFarmsAfterEveryCall(@ForAll("chains") ActionChain<Driven> chain) {
        chain.withInvariant("kernel equals compiled", d -> {
            assertEquals(new HashSet<>(d.farms.values()), new HashSet<>(d.lb.farms()));
            assertEquals(List.of(), Kernel.differences(kernel.probe, d.lb), "after " + chain.transformations());
            RulesetCompiler.Compiled compiled = RulesetCompiler.compile(d.lb.farms());
            assertTrue(Planner.diff(Optional.of(compiled), compiled).isEmpty(), "diff(x, x) is not empty");
        }).run();
        Statistics.collect(chain.transformations().size() / 4 * 4 + "+ calls");
    }

    @Provide
    Arbitrary<ActionChain<Driven>> chains() {
        Action.Independent<Driven> call = () -> FarmGen.actions()
                .map(a -> Transformer.mutate(a.toString(), d -> d.perform(a)));
        return ActionChain.startWith(Driven::new).withAction(call).withMaxTransformations(12);
    }
}
