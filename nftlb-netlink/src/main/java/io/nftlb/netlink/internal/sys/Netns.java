package io.nftlb.netlink.internal.sys;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a short action inside another network namespace on a dedicated, short-lived platform
 * thread: open the target, {@code setns}, act, switch back (saved from
 * {@code /proc/thread-self/ns/net}), exit. No other thread's namespace ever changes, and
 * virtual threads are never involved (a virtual thread would pollute its carrier).
 */
public final class Netns {
    private Netns() {}

    /** The handle of a named namespace created by {@code ip netns add}. */
    public static Path named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a namespace name: " + name);
        }
        return Path.of("/var/run/netns", name);
    }

    /** Runs {@code action} in the namespace at {@code handle} and returns its result. */
    public static <T> T call(Path handle, Supplier<T> action) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("nftlb-netns").daemon(true).unstarted(() -> {
            int orig = -1;
            int target = -1;
            try {
                orig = LibC.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
                target = LibC.open(handle.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                LibC.setns(target, LibC.CLONE_NEWNET);
                try {
                    result.set(action.get());
                } finally {
                    LibC.setns(orig, LibC.CLONE_NEWNET); // the thread dies next either way
                }
            } catch (LastErrorException e) {
                error.set(new IllegalStateException("cannot enter network namespace " + handle + ": "
                        + Errno.name(e.getErrorCode()), e));
            } catch (Throwable e) {
                error.set(e);
            } finally {
                closeQuietly(target);
                closeQuietly(orig);
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

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do
            }
        }
    }
}
