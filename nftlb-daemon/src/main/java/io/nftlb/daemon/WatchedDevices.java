package io.nftlb.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeviceFinder} that remembers its answers until a link, address or route changes:
 * {@code ip monitor link address route} reports every such change, and each one forgets all
 * answers and starts a new {@link #generation}. So a request does not start an {@code ip}
 * process per farm; one runs per new address, and again after a change. If the monitor ends,
 * nothing is remembered any more (every lookup asks again).
 */
final class WatchedDevices implements DeviceFinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchedDevices.class);

    private final DeviceFinder lookup;
    private final Map<InetAddress, Optional<String>> answers = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Runnable stop;
    private volatile boolean watching = true;

    /**
     * @param events one line per change (what {@code ip monitor} prints); their end ends the remembering
     * @param stop stops what writes the events
     */
    WatchedDevices(DeviceFinder lookup, InputStream events, Runnable stop) {
        this.lookup = lookup;
        this.stop = stop;
        Thread reader = new Thread(() -> follow(events), "nftlb-link-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    /** Finds devices with {@code ip}, watched by {@code ip monitor}, in a named network namespace or this process's. */
    static WatchedDevices ip(Optional<String> netns) {
        List<String> command = new ArrayList<>(List.of("ip"));
        netns.ifPresent(n -> command.addAll(List.of("-n", n)));
        command.addAll(List.of("monitor", "link", "address", "route"));
        Process monitor;
        try {
            monitor = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " (iproute2)", e);
        }
        return new WatchedDevices(DeviceFinder.ip(netns), monitor.getInputStream(), monitor::destroy);
    }

    private void follow(InputStream events) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(events, StandardCharsets.UTF_8))) {
            while (lines.readLine() != null) {
                forget();
            }
        } catch (IOException e) {
            // ends below
        }
        watching = false;
        forget();
        log.debug("the link monitor ended: device lookups are no longer remembered");
    }

    private void forget() {
        generation.incrementAndGet();
        answers.clear();
    }

    @Override
    public Optional<String> deviceOf(InetAddress virtualAddress) {
        if (!watching) {
            return lookup.deviceOf(virtualAddress);
        }
        Optional<String> known = answers.get(virtualAddress);
        if (known != null) {
            return known;
        }
        long asked = generation.get();
        Optional<String> found = lookup.deviceOf(virtualAddress);
        if (generation.get() == asked) { // no change while it was looked up
            answers.put(virtualAddress, found);
        }
        return found;
    }

    @Override
    public long generation() {
        return watching ? generation.get() : DeviceFinder.super.generation();
    }

    @Override
    public void close() {
        stop.run();
    }
}
