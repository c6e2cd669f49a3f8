package io.nftlb.netlink.internal.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * libmnl by JNA direct mapping: only socket calls. Encoding is pure Java, so a commit costs a
 * handful of native calls. Loads the soname {@code libmnl.so.0}, falling back to {@code mnl}.
 */
public final class LibMnl {
    private LibMnl() {}

    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        NativeLibrary lib = null;
        try {
            lib = NativeLibrary.getInstance("libmnl.so.0");
        } catch (UnsatisfiedLinkError first) {
            try {
                lib = NativeLibrary.getInstance("mnl");
            } catch (UnsatisfiedLinkError second) {
                second.addSuppressed(first);
                error = second;
            }
        }
        if (lib != null) {
            Native.register(LibMnl.class, lib);
        }
        LOAD_ERROR = error;
    }

    /** Throws a clear error if libmnl could not be loaded. */
    public static void require() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException("libmnl is not available (looked for libmnl.so.0 and mnl): install the"
                    + " Debian/Ubuntu package libmnl0 (or your distribution's libmnl), or set jna.library.path",
                    LOAD_ERROR);
        }
    }

    public static native Pointer mnl_socket_open(int bus);

    public static native int mnl_socket_bind(Pointer nl, int groups, int pid);

    public static native int mnl_socket_get_fd(Pointer nl);

    public static native int mnl_socket_get_portid(Pointer nl);

    public static native long mnl_socket_sendto(Pointer nl, byte[] buf, long len);

    public static native long mnl_socket_sendto(Pointer nl, Pointer buf, long len);

    public static native long mnl_socket_recvfrom(Pointer nl, byte[] buf, long len);

    public static native long mnl_socket_recvfrom(Pointer nl, Pointer buf, long len);

    public static native int mnl_socket_close(Pointer nl);
}
