package io.nftlb.testkit.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test (or test class) running on this thread, which owns the namespaces and topologies
 * created while it runs and closes them when it ends, even if the test forgot to.
 *
 * <p>The JUnit extension opens a scope per test class and per test, on the thread that runs
 * them; JUnit runs a test's callbacks and body on one thread. Resources created elsewhere
 * (no scope) are still removed by the JVM shutdown hook.
 */
public final class TestScope implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TestScope.class);
    private static final ThreadLocal<TestScope> CURRENT = new ThreadLocal<>();

    private final TestScope parent;
    private final String description;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private boolean closed;

    private TestScope(TestScope parent, String description) {
        this.parent = parent;
        this.description = description;
    }

    /** Opens a scope nested in this thread's current one and makes it current. */
    public static TestScope open(String description) {
        TestScope scope = new TestScope(CURRENT.get(), description);
        CURRENT.set(scope);
        return scope;
    }

    /** Hands {@code resource} to this thread's current scope, if any, to close at its end. */
    public static void track(AutoCloseable resource) {
        TestScope scope = CURRENT.get();
        if (scope != null) {
            scope.add(resource);
        }
    }

    private synchronized void add(AutoCloseable resource) {
        if (closed) {
            throw new IllegalStateException(description + " has ended");
        }
        resources.push(resource);
    }

    /**
     * Closes everything tracked, newest first (a topology before the namespaces it holds),
     * and makes the enclosing scope current again. Failures are logged, then the first is
     * rethrown once all were tried.
     */
    @Override
    public void close() {
        if (CURRENT.get() == this) {
            if (parent == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(parent);
            }
        }
        RuntimeException first = null;
        while (true) {
            AutoCloseable resource;
            synchronized (this) {
                closed = true;
                resource = resources.poll();
            }
            if (resource == null) {
                break;
            }
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} at the end of {} failed", resource, description, e);
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
