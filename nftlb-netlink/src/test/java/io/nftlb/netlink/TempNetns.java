package io.nftlb.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway network namespace ({@code ip netns add nlt-PID-N}), deleted on close. Small on
 * purpose: the shared test kit's namespace extension replaces it.
 */
final class TempNetns implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    final String name;

    TempNetns() {
        name = "nlt-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        run(List.of("ip", "netns", "add", name), null);
    }

    /** {@code nft -f -} of {@code script} inside the namespace. */
    void nft(String script) {
        run(List.of("ip", "netns", "exec", name, "nft", "-f", "-"), script);
    }

    String listRuleset() {
        return run(List.of("ip", "netns", "exec", name, "nft", "list", "ruleset"), null);
    }

    static String run(List<String> cmd, String stdin) {
        return run(cmd, stdin, false);
    }

    static String run(List<String> cmd, String stdin, boolean mayFail) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 && !mayFail) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The namespace of the calling thread, as the kernel names it (net:[inode]). */
    static String currentThreadNetns() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name), null);
    }
}
