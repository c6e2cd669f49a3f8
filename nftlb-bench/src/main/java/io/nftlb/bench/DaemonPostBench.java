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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The daemon's cost per request against the size of its configuration (a program, not a
 * test): with 1, 1,000 and 5,000 weighted farms of two backends loaded, the latency of a POST
 * that adds one backend to one farm, from the request until the daemon answers (the kernel has
 * it then), p50 and p99; the backend is deleted again after each, untimed. The daemon commits into a fresh network namespace through netlink; its API
 * listens on this process's loopback. Debian's nftlb gets the same requests, running in a
 * namespace of its own (up to {@code --max-farms-nftlb} farms: it loads about 1,000 a minute).
 * No traffic is sent. Rewrites the results section of docs/benchmarks/daemon.md.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp nftlb-bench/target/nftlb-bench.jar \
 *     io.nftlb.bench.DaemonPostBench [--scales 1,1000,5000] [--ops 300] [--warmup-seconds 10]
 *     [--systems ours,nftlb] [--max-farms-nftlb 1000] [--out docs/benchmarks]</pre>
 */
public final class DaemonPostBench {

    private static final String KEY = "bench";

    private DaemonPostBench() {}

    /** One system at one scale. */
    record Result(String system, int farms, Latency post) {}

    public static void main(String[] args) throws Exception {
        List<Integer> scales = List.of(1, 1000, 5000);
        int ops = 300;
        int maxFarmsNftlb = 1000;
        Duration warmup = Duration.ofSeconds(10);
        List<String> systems = List.of("ours", "nftlb");
        Path out = Path.of("docs/benchmarks");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--scales" -> scales = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--ops" -> ops = Integer.parseInt(args[i + 1]);
                case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                case "--systems" -> systems = List.of(args[i + 1].split(","));
                case "--max-farms-nftlb" -> maxFarmsNftlb = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Environment env = Environment.capture();
        List<Result> results = new ArrayList<>();
        for (int n : scales) {
            for (String system : systems) {
                if (system.equals("nftlb") && n > maxFarmsNftlb) {
                    continue; // nftlb loads about 1,000 farms a minute, one nft transaction each
                }
                Latency post = system.equals("nftlb") ? runNftlb(n, ops, warmup) : run(n, ops, warmup);
                results.add(new Result(system, n, post));
                System.out.printf(Locale.ROOT, "%-6s %6d farms: one-backend POST %s (%d requests)%n", system, n, post, ops);
            }
        }
        String text = results(env, results, ops, warmup);
        System.out.println(text);
        ResultsPage.write(out.resolve("daemon.md"), "DaemonPostBench", text, "daemon-results.md");
    }

    static String results(Environment env, List<Result> results, int ops, Duration warmup) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Run %s: `DaemonPostBench --ops %d "
                + "--warmup-seconds %d`, the scales in order (1 first). Machine: %s.%n%n", env.at(), ops,
                warmup.toSeconds(), env.summary()));
        s.append("| system | farms | one-backend POST p50 | p99 | p50 against ours at the same scale |\n");
        s.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (Result r : results) {
            String ratio = results.stream().filter(o -> o.system().equals("ours") && o.farms() == r.farms()).findFirst()
                    .map(o -> String.format(Locale.ROOT, "%.1fx", r.post().p50Micros() / o.post().p50Micros()))
                    .orElse("");
            s.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s |%n", r.system().equals("ours")
                    ? "ours (daemon)" : "nftlb", r.farms(), Latency.format(r.post().p50Micros()),
                    Latency.format(r.post().p99Micros()), ratio));
        }
        return s.toString();
    }

    /** The same requests to Debian's nftlb, in a namespace of its own, its API on that namespace's loopback. */
    static Latency runNftlb(int farms, int ops, Duration warmup) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create();
             NftlbControlPlane nftlb = new NftlbControlPlane(ns)) {
            nftlb.request("POST", "/farms", config(farms));
            String target = "f" + (farms - 1);
            return Latency.measure(warmup, ops, k -> nftlb.request("POST", "/farms", backendBody(target, k)),
                    k -> nftlb.request("DELETE", "/farms/" + target + "/backends/x", null));
        }
    }

    /** A POST body that adds backend x, at an address of its own per request, to farm {@code target}. */
    static String backendBody(String target, int k) {
        return "{\"farms\": [{\"name\": \"" + target + "\", \"backends\": [{\"name\": \"x\", \"ip-addr\": \"10.2."
                + (k / 200 % 250) + "." + (k % 200 + 10) + "\"}]}]}";
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
                            backendBody(target, k)))),
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
