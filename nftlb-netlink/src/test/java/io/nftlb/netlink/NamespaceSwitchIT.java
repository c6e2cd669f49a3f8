package io.nftlb.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Opening a transport in another namespace never changes the namespace of the calling thread,
 * nor, from a virtual thread, of its carrier: the {@code setns} happens on a dedicated,
 * short-lived platform thread ({@code Netns.call}). A virtual thread that did {@code setns}
 * itself would move between carriers and leave a carrier in the target namespace, so other
 * virtual threads would run there (NETLINK-FACTS §2.2).
 */
@RequiresNetns
class NamespaceSwitchIT {

    static final TableRef T = new TableRef(Family.IP, "nsswitch");

    /** The calling (carrier, for a virtual thread) thread's namespace, as net:[inode]. */
    static String threadNetns() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fromAPlatformThreadTheCallerStaysWhereItWas(NetworkNamespace ns) {
        String before = threadNetns();
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            assertEquals(before, threadNetns());
            nl.commit(Transaction.of(List.of(new Op.AddTable(T))));
        }
        assertEquals(before, threadNetns());
        assertTrue(ns.listRuleset().contains("table ip nsswitch"));
    }

    @Test
    void virtualThreadsHandOffAndNoCarrierIsEverPolluted(NetworkNamespace ns) throws Exception {
        String home = threadNetns();
        String target = ns.exec("readlink", "/proc/self/ns/net").orThrow().stdout().strip();
        assertTrue(!target.equals(home), target);
        Set<String> seenBySamplers = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> samplers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                samplers.add(vts.submit(() -> {
                    while (!stop.get()) {
                        seenBySamplers.add(threadNetns());
                        // park (not yield): busy yielding virtual threads starve the ones woken by
                        // timers on a 2-carrier scheduler (seen: openers stuck in sleep for minutes)
                        Thread.sleep(0, 200_000);
                    }
                    return null;
                }));
            }
            List<Future<List<String>>> openers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                openers.add(vts.submit(() -> {
                    assertTrue(Thread.currentThread().isVirtual());
                    List<String> seen = new ArrayList<>();
                    seen.add(threadNetns());
                    try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
                        seen.add(threadNetns());
                        Thread.sleep(2); // unmount: resume maybe on another carrier
                        nl.commit(Transaction.of(List.of(new Op.AddTable(new TableRef(Family.IP, "vt" + n)))));
                        seen.add(threadNetns());
                    }
                    seen.add(threadNetns());
                    return seen;
                }));
            }
            try {
                for (Future<List<String>> f : openers) {
                    for (String s : f.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        assertEquals(home, s, "a virtual thread ran in another namespace");
                    }
                }
            } finally {
                stop.set(true); // also on failure, or closing the executor would wait forever
            }
            for (Future<?> f : samplers) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertEquals(Set.of(home), seenBySamplers, "some carrier thread was left in the target namespace");
        String listing = ns.listRuleset();
        for (int i = 0; i < 20; i++) {
            assertTrue(listing.contains("table ip vt" + i + " "), listing);
        }
        assertEquals(home, threadNetns());
    }
}
