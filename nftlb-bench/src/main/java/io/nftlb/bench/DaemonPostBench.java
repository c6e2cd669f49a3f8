package io.nftlb.bench;

import io.nftlb.daemon.Api;
import io.nftlb.daemon.ConfigMapper;
import io.nftlb.daemon.Daemon;
import io.nftlb.daemon.DeviceFinder;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The daemon's cost per request against the size of its configuration (a program, not a
 * test): with 1, 1,000 and 5,000 weighted farms of two backends loaded, the latency of a POST
 * that adds one backend to one farm, from the request until the daemon answers (the kernel has
 * it then), p50 and p99; the backend is deleted again after each, untimed. The daemon commits into a fresh network namespace through netlink; its API
 * listens on this process's loopback. No traffic is sent.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp nftlb-bench/target/nftlb-bench.jar \
 *     io.nftlb.bench.DaemonPostBench [--scales 1,1000,5000] [--ops 300] [--warmup-seconds 10]</pre>
 */
public final class DaemonPostBench {

    private static final String KEY = "bench";

    private DaemonPostBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> scales = List.of(1, 1000, 5000);
        int ops = 300;
        Duration warmup = Duration.ofSeconds(10);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--scales" -> scales = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--ops" -> ops = Integer.parseInt(args[i + 1]);
                case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (int n : scales) {
            Latency post = run(n, ops, warmup);
            System.out.printf(Locale.ROOT, "%6d farms: one-backend POST %s (%d requests)%n", n, post, ops);
        }
    }

    static Latency run(int farms, int ops, Duration warmup) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create();
             Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), ConfigMapper.parse(config(farms)),
                     DeviceFinder.none(), Optional.empty());
             Api api = Api.start(daemon, "127.0.0.1", 0, KEY)) {
            HttpClient http = HttpClient.newHttpClient();
            String farmsUrl = "http://127.0.0.1:" + api.port() + "/farms";
            String target = "f" + (farms - 1);
            return Latency.measure(warmup, ops,
                    k -> send(http, HttpRequest.newBuilder(URI.create(farmsUrl)).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"farms\": [{\"name\": \"" + target + "\", \"backends\": [{\"name\": \"x\", \"ip-addr\": \"10.2."
                                    + (k / 200 % 250) + "." + (k % 200 + 10) + "\"}]}]}"))),
                    k -> send(http, HttpRequest.newBuilder(URI.create(farmsUrl + "/" + target + "/backends/x")).DELETE()));
        }
    }

    private static void send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.header("Key", KEY).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the daemon answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * {@code n} weighted dNAT farms of two backends each, on VIPs 10.0.x.y:80 (weighted: a new
     * backend changes the scheduling map's elements, not the farm's rule).
     */
    static String config(int n) {
        StringBuilder json = new StringBuilder("{\"farms\": [");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, """
                    {"name": "f%d", "virtual-addr": "10.0.%d.%d", "virtual-ports": "80", "mode": "dnat",
                     "scheduler": "weight", "backends": [{"name": "b0", "ip-addr": "10.1.0.10"},
                                                         {"name": "b1", "ip-addr": "10.1.0.11"}]}""",
                    i, i / 250, i % 250 + 1));
        }
        return json.append("]}").toString();
    }
}
