package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.nftlb.testkit.internal.NamespaceRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension cleans up after tests that forget to close what they created. */
@RequiresNetns
class NetnsExtensionIT {
    /** Set only while this class runs the scenario, so that it never runs on its own. */
    private static volatile boolean runningScenario;

    @Test
    void namespacesAndTopologiesATestForgotAreRemovedWhenItEnds() {
        Set<String> before = HostNamespaces.listOwnedHereOrForeign();
        Forgetful.created.clear();
        Forgetful.failures.clear();

        runningScenario = true;
        Events tests;
        try {
            tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Forgetful.class)).execute().testEvents();
        } finally {
            runningScenario = false;
        }

        assertEquals(2, tests.succeeded().count(), tests.list().toString());
        assertEquals(1, tests.failed().count(), tests.list().toString());
        assertEquals(List.of(), Forgetful.failures);
        // class: 1; test 1: 1 + 1 parameter + 4 of its topology; test 3: 3 of its topology
        assertEquals(10, Forgetful.created.size(), Forgetful.created.toString());
        for (String name : Forgetful.created) {
            assertFalse(NamespaceRegistry.exists(name), name + " outlived its test");
        }
        assertEquals(before, HostNamespaces.listOwnedHereOrForeign());
    }

    @RequiresNetns
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Forgetful {
        static final List<String> created = new CopyOnWriteArrayList<>();
        static final List<String> failures = new CopyOnWriteArrayList<>();
        static NetworkNamespace forTheClass;
        static String fromTheFirstTest;
        static String parameterOfTheFirstTest;
        static List<String> topologyOfTheFirstTest;

        @BeforeAll
        static void createForTheClass() {
            Assumptions.assumeTrue(runningScenario);
            forTheClass = NetworkNamespace.create();
            created.add(forTheClass.name());
        }

        @Test
        @Order(1)
        void forgetsToClose(NetworkNamespace parameter) {
            NetworkNamespace namespace = NetworkNamespace.create();
            Topology topology = Topology.builder().backends(2).start();
            fromTheFirstTest = namespace.name();
            parameterOfTheFirstTest = parameter.name();
            topologyOfTheFirstTest = List.of(topology.client().namespace().name(),
                    topology.balancer().namespace().name(), topology.backend(0).namespace().name(),
                    topology.backend(1).namespace().name());
            created.add(fromTheFirstTest);
            created.add(parameterOfTheFirstTest);
            created.addAll(topologyOfTheFirstTest);
        }

        @Test
        @Order(2)
        void findsThemGoneButTheClassNamespaceStillThere() {
            check(!NamespaceRegistry.exists(fromTheFirstTest), "namespace of test 1 still exists");
            check(!NamespaceRegistry.exists(parameterOfTheFirstTest), "parameter of test 1 still exists");
            topologyOfTheFirstTest.forEach(n -> check(!NamespaceRegistry.exists(n), "topology of test 1 still has " + n));
            check(forTheClass.isOpen() && NamespaceRegistry.exists(forTheClass.name()), "class namespace is gone");
        }

        @Test
        @Order(3)
        void failsAfterCreatingATopology() {
            Topology topology = Topology.builder().backends(1).start();
            created.addAll(List.of(topology.client().namespace().name(), topology.balancer().namespace().name(),
                    topology.backend(0).namespace().name()));
            throw new AssertionError("fails on purpose");
        }

        private static void check(boolean condition, String failure) {
            if (!condition) {
                failures.add(failure);
            }
        }
    }
}
