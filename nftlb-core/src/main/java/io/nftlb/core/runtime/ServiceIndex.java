package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which farms serve each virtual address, so that a farm claiming a service (protocol, address,
 * port) another farm has is refused when it is applied, as {@link
 * io.nftlb.core.compile.RulesetCompiler} refuses it, but by looking only at the farms on the
 * same addresses instead of at every pair of farms.
 *
 * <p>Not thread-safe: the runtime calls it under its lock.
 */
final class ServiceIndex {

    private final Map<InetAddress, List<Farm>> byAddress = new HashMap<>();

    /**
     * @throws InvalidFarmException naming the farm and service already served, if {@code farm}
     *     claims a service of another farm (its own earlier version does not count)
     */
    void check(Farm farm) {
        for (InetAddress vip : farm.addresses()) {
            for (Farm other : byAddress.getOrDefault(vip, List.of())) {
                if (!other.name().equals(farm.name())) {
                    overlap(other, farm, vip);
                }
            }
        }
    }

    /** Whether the two versions of a farm claim the same services (so the index need not change). */
    static boolean sameServices(Farm a, Farm b) {
        return a.addresses().equals(b.addresses()) && a.ports().equals(b.ports()) && a.protocol() == b.protocol();
    }

    /** Replaces a farm's entry (either may be absent). */
    void replace(Optional<Farm> old, Optional<Farm> now) {
        if (old.isPresent() && now.isPresent() && sameServices(old.get(), now.get())) {
            if (old.get() != now.get()) {
                remove(old.get());
                add(now.get());
            }
            return;
        }
        old.ifPresent(this::remove);
        now.ifPresent(this::add);
    }

    private void add(Farm farm) {
        for (InetAddress vip : farm.addresses()) {
            byAddress.computeIfAbsent(vip, k -> new ArrayList<>(1)).add(farm);
        }
    }

    private void remove(Farm farm) {
        for (InetAddress vip : farm.addresses()) {
            List<Farm> list = byAddress.get(vip);
            if (list != null) {
                list.removeIf(f -> f.name().equals(farm.name()));
                if (list.isEmpty()) {
                    byAddress.remove(vip);
                }
            }
        }
    }

    private static void overlap(Farm a, Farm b, InetAddress vip) {
        boolean protocols = a.protocol() == b.protocol() || a.protocol() == Protocol.ALL || b.protocol() == Protocol.ALL;
        if (!protocols) {
            return;
        }
        for (PortRange pa : ports(a)) {
            for (PortRange pb : ports(b)) {
                if (pa.overlaps(pb)) {
                    throw new InvalidFarmException("farm \"" + b.name() + "\": " + vip.getHostAddress()
                            + " port " + pb + " is already served by farm \"" + a.name() + "\"");
                }
            }
        }
    }

    private static List<PortRange> ports(Farm f) {
        return f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
    }
}
