package io.nftlb.netlink.internal.transport;

import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.sys.LibC;
import io.nftlb.netns.internal.Netns;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The network namespace a transport talks to, and the device lookups made there: fwd and dup
 * name a device by its ifindex, which only means something in that namespace, so both ways are
 * looked up on a platform thread inside it.
 */
public final class NamespaceDevices {

    private final Optional<Path> handle;

    /** @param handle the namespace's handle; empty for the caller's own */
    public NamespaceDevices(Optional<Path> handle) {
        this.handle = handle;
    }

    /** The namespace's handle (empty: the opener's own). */
    public Optional<Path> handle() {
        return handle;
    }

    /** A device's ifindex in the namespace (for writing fwd and dup). */
    public int ifindex(String device) {
        int index = handle.isPresent() ? Netns.call(handle.get(), () -> LibC.if_nametoindex(device))
                : LibC.if_nametoindex(device);
        if (index == 0) {
            throw new IllegalArgumentException("no network device " + device + " in " + where());
        }
        return index;
    }

    /** The name of a device in the namespace (for reading back fwd and dup). */
    public String name(int index) {
        String name = handle.isPresent() ? Netns.call(handle.get(), () -> LibC.if_indextoname(index, new byte[16]))
                : LibC.if_indextoname(index, new byte[16]);
        if (name == null) {
            throw new CodecException("a rule names network device " + index + ", which is not in " + where());
        }
        return name;
    }

    private String where() {
        return handle.map(Path::toString).orElse("the current namespace");
    }
}
