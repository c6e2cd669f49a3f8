package io.nftlb.healthcheck.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.HttpSpec;
import io.nftlb.healthcheck.ProbeNetwork;
import io.nftlb.healthcheck.WeightEstimator;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.Topology;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor against real backends in their own namespaces, probing from the balancer's
 * namespace (the test JVM stays in the root namespace, which has no route to the backends:
 * a probe that succeeds proves it ran from the balancer).
 */
@RequiresNetns
class HealthMonitorIT {

    static Topology topology;
    static ProbeNetwork fromBalancer;

    @BeforeAll
    static void topology() {
        topology = Topology.builder().backends(2).start();
        fromBalancer = ProbeNetwork.namespace("balancer", topology.balancer().namespace().threadFactory());
    }

    static Backend backend(int i) {
        return Backend.of(topology.backend(i).name(), topology.backend(i).address()).port(80);
    }

    static Farm farm(String name) {
        return Farm.dnat("10.0.0.40").port(80).named(name).backends(backend(0), backend(1));
    }

    /** Every sink call, in order, as text. */
    static final class QueueSink implements BackendStateSink {
        /** How long a wait for an event may take before the test fails as hung (not a timing claim). */
        static final Duration HANG_GUARD = Duration.ofSeconds(30);

        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Map<String, Integer>> weights = new LinkedBlockingQueue<>();

        @Override
        public void stateChanged(String farm, String backend, BackendState state) {
            events.add(backend + " " + state);
        }

        @Override
        public void weightsChanged(String farm, Map<String, Integer> w) {
            weights.add(w);
        }

        /**
         * Waits for {@code event} and returns the milliseconds it took, for the log only. {@code max}
         * keeps a broken monitor from hanging the build; it is not a claim about detection time.
         */
        long waitFor(String event, Duration max) throws InterruptedException {
            long t0 = System.nanoTime();
            long deadline = t0 + max.toNanos();
            while (System.nanoTime() < deadline) {
                String e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (event.equals(e)) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            }
            throw new AssertionError("no \"" + event + "\" within " + max.toMillis() + " ms");
        }
    }

    @Test
    void aStoppedServerIsDownAsRefusedWhileTheOtherStaysUpAndIsUpAgainWhenItRestarts() throws Exception {
        var sink = new QueueSink();
        Duration interval = Duration.ofMillis(200);
        Duration timeout = Duration.ofMillis(300);
        int fall = 3;
        int rise = 2;
        var policy = CheckPolicy.of(HealthCheck.tcp()).interval(interval).timeout(timeout).fall(fall).rise(rise);
        try (var monitor = HealthMonitor.builder(sink).watch(farm("tcp"), policy).network(fromBalancer).build()) {
            monitor.start();
            Thread.sleep(interval.toMillis() * 2);
            String b0 = topology.backend(0).name();
            assertEquals(BackendState.UP, monitor.state("tcp", b0), monitor.lastResult("tcp", b0).toString());

            topology.backend(0).stopServers();
            long bound = interval.toMillis() * fall + timeout.toMillis();
            long down = sink.waitFor(b0 + " DOWN", QueueSink.HANG_GUARD);
            System.out.printf("tcp: DOWN detected after %d ms (interval x fall + timeout = %d ms)%n", down, bound);
            assertEquals("connection refused", monitor.lastResult("tcp", b0).orElseThrow().reason());
            assertEquals(BackendState.UP, monitor.state("tcp", topology.backend(1).name()));

            topology.backend(0).startServers();
            long riseBound = interval.toMillis() * rise;
            long up = sink.waitFor(b0 + " UP", QueueSink.HANG_GUARD);
            System.out.printf("tcp: UP detected after %d ms (interval x rise = %d ms)%n", up, riseBound);
        } finally {
            topology.backend(0).startServers();
        }
    }

    @Test
    void probesOpenSocketsInTheBalancerWithoutMovingAnyOtherThread() throws Exception {
        String root = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String balancer = topology.balancer().namespace().runInside(
                () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
        assertTrue(!root.equals(balancer), root);
        var probeThreads = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        HealthCheck spying = HealthCheck.named("tcp+spy", t -> {
            probeThreads.add(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            return HealthCheck.tcp().probe(t);
        });
        var sink = new QueueSink();
        var policy = CheckPolicy.of(spying).interval(Duration.ofMillis(50)).timeout(Duration.ofMillis(500));
        try (var monitor = HealthMonitor.builder(sink).watch(farm("ns"), policy).network(fromBalancer).build()) {
            monitor.start();
            Thread.sleep(600);
            for (int i = 0; i < 2; i++) {
                HealthResult r = monitor.lastResult("ns", topology.backend(i).name()).orElseThrow();
                assertTrue(r.isUp(), "reached from the balancer: " + r);
            }
            // Every carrier of the probes' virtual threads, and this thread, stayed in the root namespace.
            assertTrue(probeThreads.size() >= 10, "probes: " + probeThreads.size());
            assertEquals(List.of(root), probeThreads.stream().distinct().toList());
            assertEquals(root, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            // And across the whole JVM, only platform threads made by the namespace's factory are in it.
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String ns;
                    String comm;
                    try {
                        ns = Files.readSymbolicLink(task.resolve("ns/net")).toString();
                        comm = Files.readString(task.resolve("comm")).strip();
                    } catch (java.io.IOException gone) {
                        continue;
                    }
                    if (comm.startsWith("ForkJoinPool") || comm.startsWith("nftlb-health") || comm.equals("main")) {
                        assertEquals(root, ns, "thread " + comm + " (" + task.getFileName() + ")");
                    }
                }
            }
        }
        assertEquals(root, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    }

    @Test
    void anHttpCheckThatGets500IsDown() throws Exception {
        var status = new AtomicInteger(200);
        var b1 = topology.backend(1);
        HttpServer server = b1.namespace().runInside(() -> {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(b1.address()), 8080), 16);
            s.createContext("/health", ex -> {
                byte[] body = "ok\n".getBytes();
                ex.sendResponseHeaders(status.get(), body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            s.setExecutor(null); // the server's own dispatcher thread, a platform thread made in here
            s.start();
            return s;
        });
        try {
            var sink = new QueueSink();
            var policy = CheckPolicy.of(HealthCheck.http(HttpSpec.get("/health").expectBody("^ok")))
                    .port(8080).interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(500)).fall(2).rise(1);
            Farm farm = Farm.dnat("10.0.0.40").port(80).named("http").backends(backend(1));
            try (var monitor = HealthMonitor.builder(sink).watch(farm, policy).network(fromBalancer).build()) {
                monitor.start();
                Thread.sleep(500);
                assertEquals(BackendState.UP, monitor.state("http", b1.name()),
                        monitor.lastResult("http", b1.name()).toString());
                status.set(500);
                long down = sink.waitFor(b1.name() + " DOWN", QueueSink.HANG_GUARD);
                System.out.printf("http: 500 seen as DOWN after %d ms%n", down);
                assertEquals("status 500", monitor.lastResult("http", b1.name()).orElseThrow().reason());
                status.set(200);
                sink.waitFor(b1.name() + " UP", QueueSink.HANG_GUARD);
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void icmpPingsFromTheBalancer() throws Exception {
        var target = new io.nftlb.healthcheck.Target("f", "b", new InetSocketAddress(
                InetAddress.getByName(topology.backend(0).address()), 0), Duration.ofSeconds(1), fromBalancer);
        assertEquals(HealthResult.Status.UP, HealthCheck.icmp().probe(target).status());
        var nobody = new io.nftlb.healthcheck.Target("f", "b", new InetSocketAddress(
                InetAddress.getByName("10.1.0.99"), 0), Duration.ofSeconds(1), fromBalancer);
        assertEquals(HealthResult.down("no echo reply"), HealthCheck.icmp().probe(nobody));
    }

    @Test
    void leastCpuLoadReadsTheLoadFromARealSnmpd() throws Exception {
        Path conf = Files.createTempFile("nftlb-snmpd", ".conf");
        Files.writeString(conf, "rocommunity public\n");
        List<Process> agents = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                var b = topology.backend(i);
                agents.add(new ProcessBuilder("ip", "netns", "exec", b.namespace().name(), "snmpd", "-f", "-Lo", "-C",
                        "-c", conf.toString(), "udp:" + b.address() + ":161")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            var sink = new QueueSink();
            var policy = CheckPolicy.of(HealthCheck.snmp("public")).port(161).interval(Duration.ofMillis(300))
                    .timeout(Duration.ofMillis(500)).fall(10);
            try (var monitor = HealthMonitor.builder(sink).watch(farm("snmp"), policy)
                    .estimate("snmp", WeightEstimator.leastCpuLoad()).network(fromBalancer).build()) {
                monitor.start();
                // net-snmp samples its CPU tick counters every 5 s: until then the check falls back to
                // laLoad; wait for the tick-based load (the preferred source) on both backends.
                Map<String, Integer> weights = null;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < deadline) {
                    boolean measured = true;
                    for (int i = 0; i < 2; i++) {
                        measured &= monitor.lastResult("snmp", topology.backend(i).name())
                                .map(r -> r.load().isPresent() && r.reason().startsWith("ssCpuRaw")).orElse(false);
                    }
                    if (measured && !monitor.weights("snmp").isEmpty()) {
                        weights = monitor.weights("snmp");
                        break;
                    }
                    Thread.sleep(100);
                }
                for (int i = 0; i < 2; i++) {
                    HealthResult r = monitor.lastResult("snmp", topology.backend(i).name()).orElseThrow();
                    System.out.printf("snmp: %s %s%n", topology.backend(i).name(), r);
                    assertTrue(r.isUp() && r.load().isPresent(), r.toString());
                    assertTrue(r.reason().startsWith("ssCpuRaw busy "), r.reason());
                }
                assertNotNull(weights, "no weights from the least-CPU estimator within 20 s");
                System.out.printf("snmp: least-cpu weights %s%n", weights);
                assertEquals(2, weights.size());
                assertTrue(weights.values().stream().allMatch(w -> w >= 1 && w <= 100), weights.toString());
            }
        } finally {
            agents.forEach(Process::destroy);
            for (Process p : agents) {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            Files.deleteIfExists(conf);
        }
    }
}
