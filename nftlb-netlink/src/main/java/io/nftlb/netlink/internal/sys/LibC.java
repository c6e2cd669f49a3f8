package io.nftlb.netlink.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** The few libc calls libmnl does not cover, by JNA direct mapping. */
public final class LibC {
    private LibC() {}

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    public static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;
    public static final int SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int EAGAIN = 11, EINTR = 4, ENOBUFS = 105;

    public static native int setsockopt(int fd, int level, int optname, int[] optval, int optlen)
            throws LastErrorException;

    public static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    /** recv into native memory; errors through {@code Native.getLastError()} (no exception per EAGAIN). */
    public static native long recv(int fd, com.sun.jna.Pointer buf, long len, int flags);

    /** The name of device {@code index} in the calling thread's namespace, written to {@code name} (16 bytes); null if none. */
    public static native String if_indextoname(int index, byte[] name);

    /** The index of a network device in the calling thread's namespace; 0 if there is none. */
    public static native int if_nametoindex(String name);

    /** {@code setsockopt(fd, level, opt, &value, 4)}. */
    public static void setInt(int fd, int level, int opt, int value) {
        setsockopt(fd, level, opt, new int[] {value}, 4);
    }
}
