package io.nftlb.netns.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The three libc calls needed to move a thread into a network namespace.
 *
 * <p>Java cannot hand out the integer file descriptor that {@code setns(2)} needs, so
 * {@code open} and {@code close} are bound too. Direct mapping is used because it is the
 * cheapest JNA binding and needs no interface proxy.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {}

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
