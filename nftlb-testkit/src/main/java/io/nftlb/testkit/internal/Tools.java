package io.nftlb.testkit.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the system tools the kit runs ({@code ip}, {@code nft}).
 *
 * <p>They live in {@code /usr/sbin}, which a non-root user's {@code PATH} often lacks, and
 * {@code ip netns exec} looks its command up on that {@code PATH}: so tools are always run
 * by absolute path.
 */
public final class Tools {
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private static final Map<String, String> FOUND = new ConcurrentHashMap<>();

    private Tools() {}

    /** Absolute path of {@code ip}; throws if it is not installed. */
    public static String ip() {
        return require("ip", "iproute2");
    }

    /** Absolute path of {@code nft}; throws if it is not installed. */
    public static String nft() {
        return require("nft", "nftables");
    }

    /** Absolute path of an executable named {@code name} on PATH or in the system directories. */
    public static Optional<Path> find(String name) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(SYSTEM_DIRECTORIES);
        return directories.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String require(String name, String packageName) {
        String known = FOUND.get(name);
        if (known != null) {
            return known;
        }
        String found = find(name).orElseThrow(() -> new IllegalStateException(
                        "`" + name + "` not found on PATH or in " + SYSTEM_DIRECTORIES + " (install " + packageName + ")"))
                .toString();
        FOUND.put(name, found);
        return found;
    }
}
