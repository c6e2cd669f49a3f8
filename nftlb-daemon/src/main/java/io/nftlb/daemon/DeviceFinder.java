package io.nftlb.daemon;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Finds the network device a farm's clients arrive on, for what nftlb enforces at that device's
 * ingress (policies) when the farm does not name it ({@code iface}): the device that holds the
 * virtual address, else the one the kernel routes it through, as {@code ip} tells them.
 */
@FunctionalInterface
public interface DeviceFinder {

    /** The device of this virtual address, if there is one. */
    Optional<String> deviceOf(InetAddress virtualAddress);

    /**
     * A number that stays the same for as long as {@link #deviceOf} gives the same answers, so
     * that a mapping that asked can be kept until it changes. By default a new one at each
     * call: the answers may have changed at any time.
     */
    default long generation() {
        return Generations.NEXT.incrementAndGet();
    }

    /** Finds no device: a farm's policies then need its {@code iface}. */
    static DeviceFinder none() {
        return new DeviceFinder() {
            @Override
            public Optional<String> deviceOf(InetAddress virtualAddress) {
                return Optional.empty();
            }

            @Override
            public long generation() {
                return 0;
            }
        };
    }

    /**
     * Asks {@code ip} ({@code ip -o addr show to ADDRESS}, then {@code ip -o route get ADDRESS}),
     * in a named network namespace or in this process's.
     */
    static DeviceFinder ip(Optional<String> netns) {
        return address -> {
            String text = address.getHostAddress().replaceAll("%.*$", "");
            Optional<String> holder = IpCommand.run(netns, "-o", "addr", "show", "to", text)
                    .flatMap(out -> IpCommand.field(out, "^\\d+:\\s+(\\S+)\\s"));
            return holder.isPresent() ? holder
                    : IpCommand.run(netns, "-o", "route", "get", text).flatMap(out -> IpCommand.field(out, "\\bdev (\\S+)"));
        };
    }
}
