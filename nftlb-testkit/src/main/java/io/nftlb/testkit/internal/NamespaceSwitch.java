package io.nftlb.testkit.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves the calling platform thread into a network namespace, for the rest of its life.
 *
 * <p>There is deliberately no way back: a thread that switched is meant to die in the
 * namespace (NETLINK-FACTS §2.2: restoring a pooled thread can fail and poison it).
 * Virtual threads are refused, because {@code setns} changes the carrier thread, which
 * then runs other virtual threads in the wrong namespace and may be left by this one.
 */
public final class NamespaceSwitch {
    /** The calling thread's own namespace; {@code /proc/self} would name the thread-group leader's. */
    private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");

    private NamespaceSwitch() {}

    /**
     * Moves the calling thread into the namespace whose handle is {@code namespaceFile}
     * (for example {@code /var/run/netns/NAME}) and checks that it arrived.
     *
     * @throws IllegalStateException on a virtual thread, if {@code setns} fails, or if the
     *     thread is not in the target namespace afterwards
     */
    public static void enter(Path namespaceFile) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("refusing setns on virtual thread " + Thread.currentThread()
                    + ": it would switch its carrier thread and leak the namespace to other virtual threads");
        }
        int fd;
        try {
            fd = LibC.open(namespaceFile.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open namespace " + namespaceFile + ": " + e.getMessage(), e);
        }
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IllegalStateException("setns(" + namespaceFile + ") failed: " + e.getMessage(), e);
        } finally {
            LibC.close(fd);
        }
        String expected = "net:[" + inode(namespaceFile) + "]";
        String actual = currentThreadNamespace();
        if (!expected.equals(actual)) {
            throw new IllegalStateException("after setns(" + namespaceFile + ") the thread is in " + actual
                    + ", expected " + expected);
        }
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
    private static long inode(Path namespaceFile) {
        try {
            return (Long) Files.getAttribute(namespaceFile, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + namespaceFile, e);
        }
    }
}
