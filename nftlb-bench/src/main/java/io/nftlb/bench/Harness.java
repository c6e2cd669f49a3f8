package io.nftlb.bench;

import io.nftlb.testkit.CommandResult;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The namespaces of the test kit's topology (client, balancer, four backends), plus what a
 * benchmark needs on top: nginx in every backend on port 80, the virtual network 10.2.0.0/16
 * routed from the client to the balancer and local there, and sysctls for many short
 * connections. Traffic never leaves the namespaces.
 */
final class Harness implements AutoCloseable {
    private static final Duration WRK_SLACK = Duration.ofSeconds(15);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(\\w+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final Topology topology;
    private final Path workDir;
    private final List<Path> nginxPidFiles = new ArrayList<>();

    private Harness(Topology topology, Path workDir) {
        this.topology = topology;
        this.workDir = workDir;
    }

    static Harness start(Path workDir) {
        // The kit's own line servers stay on port 7; nginx takes port 80.
        Topology topology = Topology.builder().backends(Services.BACKENDS.size()).returnPath(ReturnPath.VIA_BALANCER)
                .clientAddresses(2).ports(7).ipv6(false).start();
        Harness harness = new Harness(topology, workDir);
        try {
            harness.wire();
        } catch (RuntimeException | Error e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    NetworkNamespace balancer() {
        return topology.balancer().namespace();
    }

    NetworkNamespace client() {
        return topology.client().namespace();
    }

    private void wire() {
        NetworkNamespace balancer = balancer();
        ok(balancer.exec("ip", "route", "add", "local", Services.VIP_NET, "dev", "lo"), "local route");
        ok(client().exec("ip", "route", "add", Services.VIP_NET, "via", topology.balancer().clientSideAddress()),
                "client route");
        // No TIME_WAIT sockets on either end: a backend keeps one per closed connection for 60 s,
        // and a later SYN from a reused client port towards another VIP carries an older
        // timestamp (offsets are per address pair), so the backend ignores it and the client
        // waits a 1 s retransmit. That stall grows run after run and hides the balancer.
        sysctls(client(), "net.ipv4.tcp_tw_reuse=1", "net.ipv4.ip_local_port_range=1024 65000",
                "net.ipv4.tcp_max_tw_buckets=0");
        // Conntrack and LVS keep closed connections for a while: keep that short between runs.
        sysctls(balancer, "net.netfilter.nf_conntrack_tcp_timeout_time_wait=2",
                "net.netfilter.nf_conntrack_tcp_timeout_close_wait=2", "net.netfilter.nf_conntrack_tcp_timeout_fin_wait=2");
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv4/vs"))) {
            sysctls(balancer, "net.ipv4.vs.conn_reuse_mode=1", "net.ipv4.vs.expire_nodest_conn=1");
        }
        for (var backend : topology.backends()) {
            sysctls(backend.namespace(), "net.core.somaxconn=4096", "net.ipv4.tcp_max_syn_backlog=4096",
                    "net.ipv4.tcp_max_tw_buckets=0");
            startNginx(backend.name(), backend.namespace());
        }
    }

    private static void sysctls(NetworkNamespace namespace, String... settings) {
        List<String> command = new ArrayList<>(List.of("sysctl", "-q", "-w"));
        command.addAll(Arrays.asList(settings));
        ok(namespace.exec(command.toArray(String[]::new)), "sysctl in " + namespace);
    }

    private void startNginx(String name, NetworkNamespace namespace) {
        Path dir = workDir.resolve("nginx-" + name);
        Path pid = dir.resolve("nginx.pid");
        String conf = """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    keepalive_timeout 65;
                    keepalive_requests 100000000;
                    server {
                        listen 80 backlog=4096;
                        location / { return 200 "%2$s\\n"; }
                    }
                }
                """.formatted(dir, name);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("nginx.conf"), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ok(namespace.exec("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()), "nginx in " + name);
        nginxPidFiles.add(pid);
    }

    /** Flushes the balancer's conntrack table (between systems and between runs). */
    void flushConntrack() {
        balancer().exec("conntrack", "-F");
    }

    /** One wrk run against {@code vip}: closed connections per request ({@code close}) or persistent ones. */
    WrkResult wrk(String vip, boolean close, Duration duration, int threads, int connections) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--timeout", "2s"));
        if (close) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add("http://" + vip + ":" + Services.PORT + "/");
        CpuSample before = CpuSample.now();
        CommandResult result = client().exec(duration.plus(WRK_SLACK), command.toArray(String[]::new));
        CpuSample after = CpuSample.now();
        ok(result, "wrk");
        String out = result.stdout();
        Matcher requests = REQUESTS.matcher(out);
        if (!requests.find()) {
            throw new IllegalStateException("cannot read wrk's output: " + out);
        }
        long count = Long.parseLong(requests.group(1));
        double seconds = Double.parseDouble(requests.group(2));
        seconds = switch (requests.group(3)) {
            case "ms" -> seconds / 1000;
            case "m" -> seconds * 60;
            default -> seconds;
        };
        long errors = 0;
        Matcher socket = SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new WrkResult(count, seconds, errors, after.minus(before));
    }

    /**
     * First-packet latency: {@code samples} sequential TCP connects from the client to
     * {@code vip} from the client's second address, each timed from {@code connect()} to its
     * return (SYN out, SYN-ACK back: the connection's first packet crosses the balancer's
     * rules), then reset.
     *
     * @return the connect times in microseconds, sorted; failed connects are left out
     */
    double[] connectLatencies(String vip, int samples) throws Exception {
        return client().runInside(() -> {
            double[] micros = new double[samples];
            int ok = 0;
            InetSocketAddress target = new InetSocketAddress(vip, Services.PORT);
            // Its own source address, so no 4-tuple collides with wrk's closed connections
            // (a SYN meeting a backend's TIME_WAIT socket may wait a retransmit, 1 s).
            InetSocketAddress source = new InetSocketAddress(topology.client().sourceAddresses().get(1), 0);
            for (int i = 0; i < samples; i++) {
                try (Socket socket = new Socket()) {
                    socket.setSoLinger(true, 0);
                    socket.bind(source);
                    long start = System.nanoTime();
                    socket.connect(target, 1000);
                    micros[ok++] = (System.nanoTime() - start) / 1000.0;
                } catch (IOException e) {
                    // counted as missing
                }
            }
            double[] done = Arrays.copyOf(micros, ok);
            Arrays.sort(done);
            return done;
        });
    }

    @Override
    public void close() {
        for (Path pidFile : nginxPidFiles) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            } catch (IOException | NumberFormatException e) {
                // nginx did not start; nothing to stop
            }
        }
        topology.close();
    }

    private static void ok(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed: " + result.summary());
        }
    }

    /** What one wrk run reports, with the CPU time the machine spent in the kernel meanwhile. */
    record WrkResult(long requests, double seconds, long errors, CpuSample.Delta cpu) {
        double rate() {
            return requests / seconds;
        }

        /** Kernel CPU milliseconds (system + irq + softirq, all CPUs) per 10,000 requests. */
        double kernelMsPer10k() {
            return requests == 0 ? Double.NaN : cpu.kernelSeconds() * 1000 * 10_000 / requests;
        }
    }
}
