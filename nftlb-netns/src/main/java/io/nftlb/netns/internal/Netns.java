package io.nftlb.netns.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Moves platform threads into network namespaces, for good: a thread that switched is meant to
 * die there (restoring a pooled thread can fail and poison it), so nothing here switches back.
 * Virtual threads are refused, because {@code setns} changes the carrier thread, which then
 * runs other virtual threads in the wrong namespace and may be left by this one.
 *
 * <p>{@link #enter(Path)} moves the calling thread (a thread factory's threads call it first);
 * {@link #call(Path, Supplier)} runs one short action on a new platform thread that enters,
 * acts and ends, so that no other thread's namespace ever changes.
 */
public final class Netns {
    /** The calling thread's own namespace; {@code /proc/self} would name the thread-group leader's. */
    private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");

    private Netns() {}

    /** The handle of a named namespace created by {@code ip netns add}. */
    public static Path named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a namespace name: " + name);
        }
        return Path.of("/var/run/netns", name);
    }

    /**
     * Moves the calling thread into the namespace whose handle is {@code handle} (for example
     * {@code /var/run/netns/NAME} or {@code /proc/PID/ns/net}) and checks that it arrived.
     *
     * @throws IllegalStateException on a virtual thread, if {@code setns} fails, or if the
     *     thread is not in the target namespace afterwards
     */
    public static void enter(Path handle) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("refusing setns on virtual thread " + Thread.currentThread()
                    + ": it would switch its carrier thread and leak the namespace to other virtual threads");
        }
        int fd;
        try {
            fd = LibC.open(handle.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open namespace " + handle + ": " + e.getMessage(), e);
        }
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IllegalStateException("setns(" + handle + ") failed: " + e.getMessage(), e);
        } finally {
            LibC.close(fd);
        }
        String expected = "net:[" + inode(handle) + "]";
        String actual = currentThreadNamespace();
        if (!expected.equals(actual)) {
            throw new IllegalStateException("after setns(" + handle + ") the thread is in " + actual
                    + ", expected " + expected);
        }
    }

    /**
     * Runs {@code action} in the namespace at {@code handle}, on a new platform thread that
     * enters it and ends afterwards, and returns its result; the caller's thread stays where it is.
     */
    public static <T> T call(Path handle, Supplier<T> action) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("nftlb-netns").daemon(true).unstarted(() -> {
            try {
                enter(handle);
                result.set(action.get());
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while entering namespace " + handle, e);
        }
        Throwable e = error.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error er) {
            throw er;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return result.get();
    }

    /** The calling thread's network namespace as the kernel names it, e.g. {@code net:[4026531833]}. */
    public static String currentThreadNamespace() {
        try {
            return Files.readSymbolicLink(THREAD_NAMESPACE).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + THREAD_NAMESPACE, e);
        }
    }

    /** A namespace handle's inode number is the namespace's identity. */
    private static long inode(Path handle) {
        try {
            return (Long) Files.getAttribute(handle, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + handle, e);
        }
    }
}
