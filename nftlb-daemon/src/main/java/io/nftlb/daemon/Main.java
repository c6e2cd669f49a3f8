package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.transport.Transport;
import io.nftlb.netlink.NetlinkTransport;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The nftlb-compatible daemon: loads an nftlb JSON configuration, applies it through netlink,
 * and (without {@code -e}) serves nftlb's HTTP API. See {@link Options#USAGE}.
 *
 * <p>Exit codes: 0 done, 1 configuration refused (unsupported fields, printed one a line, or
 * malformed) and nothing applied, 2 bad command line or key file, 3 the kernel refused
 * ({@code --check}: see {@link Check}).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return;
        }
        // slf4j-simple reads its level once, when the first logger is made: set it first.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.slf4jLevel());
        System.setProperty("org.slf4j.simpleLogger.logFile", options.slf4jLogFile());
        if (options.check()) {
            // A check starts the load balancer over a dry run: its start-up line would say it did what it did not.
            System.setProperty("org.slf4j.simpleLogger.log.io.nftlb.core.runtime.LoadBalancer", "warn");
        }
        // The HTTP server's start-up lines are noise at notice; its warnings still show.
        if (options.level() < 7) {
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        }
        System.exit(run(options));
    }

    static int run(Options options) throws Exception {
        if (options.check()) {
            return Check.run(options, System.out, System.err);
        }
        JsonNode config;
        try {
            config = options.config().map(ConfigMapper::read).orElse(ConfigEdits.empty());
            // Read as the daemon starts with it: merged, so a farm given twice is one (as nftlb reads it).
            var merged = ConfigEdits.empty();
            ConfigEdits.merge(merged, config);
            ConfigMapper.map(merged);
        } catch (UnsupportedFieldsException e) {
            System.err.println("nothing applied: the configuration uses fields this version does not support:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 1;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("nothing applied: " + e.getMessage());
            return 1;
        }
        KeySource key;
        try {
            key = KeySource.choose(options.key(), options.keyFile(), Optional.ofNullable(System.getenv("NFTLB_SERVER_KEY")));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Transport transport = options.netns().map(NetlinkTransport::openInNamespace).orElseGet(NetlinkTransport::open);
        // Device lookups (farms with policies or flow offload but no iface) are remembered until
        // a link, address or route changes.
        WatchedDevices devices = WatchedDevices.ip(options.netns());
        Daemon daemon;
        Observability observability = new Observability(options.metricsWithoutKey());
        try {
            daemon = Daemon.start(transport, config, devices,
                    Optional.of(options.driftCheck()).filter(d -> !d.isZero()), observability.listeners());
        } catch (RuntimeException e) {
            transport.close();
            devices.close();
            System.err.println("the kernel refused the configuration: " + e.getMessage());
            return 3;
        }
        if (options.exit()) {
            daemon.close();
            devices.close();
            return 0;
        }
        if (key.generated()) {
            System.out.println("Key: " + key.key());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        observability.watch(daemon);
        Api api = Api.start(daemon, options.host(), options.port(), key.key(), options.limits(),
                Optional.of(observability));
        // Runs until the process is told to stop; the rules stay in the kernel.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            daemon.close();
            devices.close();
            stopped.countDown();
        }, "nftlb-shutdown"));
        System.out.println("nftlb-daemon: serving http://" + options.host() + ":" + api.port());
        stopped.await();
        return 0;
    }
}
