package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.ProbeNetwork;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Opens sockets on platform threads that live inside a namespace (made by the given factory,
 * which enters the namespace before running anything). Nothing here calls setns on a thread
 * it does not own, and virtual threads never switch: they only wait for the opener's result.
 */
public final class NamespaceNetwork implements ProbeNetwork {

    /** Opens in the caller's own namespace. */
    public static final ProbeNetwork CURRENT = new ProbeNetwork() {
        @Override
        public <T> T open(Callable<T> opener) throws Exception {
            return opener.call();
        }

        @Override
        public String toString() {
            return "current network namespace";
        }
    };

    private final String name;
    private final ThreadPoolExecutor openers;

    public NamespaceNetwork(String name, ThreadFactory platformThreadsInside) {
        this.name = java.util.Objects.requireNonNull(name, "name == null");
        java.util.Objects.requireNonNull(platformThreadsInside, "platformThreadsInside == null");
        // Two threads: opening is quick (no I/O), so two keep up with thousands of probes a second.
        this.openers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                platformThreadsInside);
        this.openers.allowCoreThreadTimeOut(true);
    }

    @Override
    public <T> T open(Callable<T> opener) throws Exception {
        Future<T> f = openers.submit(() -> {
            if (Thread.currentThread().isVirtual()) {
                throw new IllegalStateException("namespace " + name + ": thread factory made a virtual thread");
            }
            return opener.call();
        });
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "network namespace " + name;
    }
}
