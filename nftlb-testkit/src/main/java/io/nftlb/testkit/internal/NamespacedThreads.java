package io.nftlb.testkit.internal;

import io.nftlb.netns.internal.Netns;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Platform threads that enter a network namespace before they run anything.
 *
 * <p>Each thread switches itself, once, as its first action, and never switches back: no
 * other thread's namespace is ever touched, and a thread that failed to switch runs nothing
 * (so a task can never run in the root namespace by accident).
 */
public final class NamespacedThreads implements ThreadFactory {
    private static final Logger log = LoggerFactory.getLogger(NamespacedThreads.class);

    private final String namespaceName;
    private final Path handle;
    private final BooleanSupplier namespaceOpen;
    private final AtomicInteger nextNumber = new AtomicInteger();

    /**
     * Threads for the namespace {@code namespaceName}.
     *
     * @param namespaceOpen whether the namespace may still be used; checked for every new thread
     */
    public NamespacedThreads(String namespaceName, BooleanSupplier namespaceOpen) {
        this.namespaceName = namespaceName;
        this.handle = NamespaceRegistry.handle(namespaceName);
        this.namespaceOpen = namespaceOpen;
    }

    /**
     * An unstarted daemon platform thread that enters the namespace, then runs {@code task}.
     *
     * @throws IllegalStateException if the namespace is closed (checked now, so an executor
     *     fails at submission rather than losing the task on a thread that cannot switch)
     */
    @Override
    public Thread newThread(Runnable task) {
        if (!namespaceOpen.getAsBoolean() || !NamespaceRegistry.exists(namespaceName)) {
            throw new IllegalStateException("network namespace " + namespaceName + " is closed");
        }
        Thread thread = Thread.ofPlatform()
                .daemon()
                .name("netns-" + namespaceName + "-" + nextNumber.getAndIncrement())
                .unstarted(() -> {
                    Netns.enter(handle);
                    task.run();
                });
        thread.setUncaughtExceptionHandler((t, e) -> log.error("uncaught in {}", t.getName(), e));
        return thread;
    }

    /**
     * Runs {@code task} on a new thread from {@code threads} and waits for it; returns its
     * result or rethrows its exception unchanged.
     */
    public static <T> T call(ThreadFactory threads, Callable<T> task) throws Exception {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread thread = threads.newThread(() -> {
            try {
                outcome.complete(task.call());
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        // A failed switch never reaches the task: report it to the caller instead.
        thread.setUncaughtExceptionHandler((t, e) -> outcome.completeExceptionally(e));
        thread.start();
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
