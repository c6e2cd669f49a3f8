package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.nftlb.testkit.internal.NetnsCapability.Decision;
import io.nftlb.testkit.internal.NetnsCapability.Verdict;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.TestAbortedException;

/** What JUnit reports for a kernel test that cannot run: skipped, or failed under nftlb.requireNetns=true. */
class NetnsExtensionTest {
    private static final String REASON = "needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces"
            + " (uid=1000, missing CAP_NET_ADMIN, CAP_SYS_ADMIN)";

    /** Set only while this class runs a scenario, so that the scenarios never run on their own. */
    private static volatile boolean runningScenario;

    @Test
    void withoutPrivilegesTheTestIsSkippedWithTheReason() {
        Events events = run(WhenSkipped.class);

        List<Event> aborted = events.aborted().list();
        assertEquals(1, aborted.size(), events.list().toString());
        Throwable why = aborted.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertInstanceOf(TestAbortedException.class, why);
        assertTrue(why.getMessage().contains(REASON), why.getMessage());
        assertEquals(0, events.failed().count());
        assertEquals(0, WhenSkipped.ran);
    }

    @Test
    void whenRequiredTheTestFailsWithTheReason() {
        Events events = run(WhenFailed.class);

        List<Event> failed = events.failed().list();
        assertEquals(1, failed.size(), events.list().toString());
        Throwable why = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertTrue(why.getMessage().contains("nftlb.requireNetns=true"), why.getMessage());
        assertEquals(0, events.aborted().count());
        assertEquals(0, WhenFailed.ran);
    }

    private static Events run(Class<?> scenario) {
        runningScenario = true;
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(scenario)).execute().allEvents();
        } finally {
            runningScenario = false;
        }
    }

    static class WhenSkipped {
        @RegisterExtension
        static final NetnsExtension NETNS = new NetnsExtension(() -> new Decision(Verdict.SKIP, REASON));

        static int ran;

        @Test
        void needsNamespaces() {
            Assumptions.assumeTrue(runningScenario);
            ran++;
        }
    }

    static class WhenFailed {
        @RegisterExtension
        static final NetnsExtension NETNS = new NetnsExtension(
                () -> new Decision(Verdict.FAIL, REASON + " (nftlb.requireNetns=true: a kernel test that cannot run fails the build)"));

        static int ran;

        @Test
        void needsNamespaces() {
            Assumptions.assumeTrue(runningScenario);
            ran++;
        }
    }
}
