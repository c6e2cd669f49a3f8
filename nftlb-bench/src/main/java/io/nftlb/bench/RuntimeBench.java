package io.nftlb.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.nftcli.NftCliTransport;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The control-plane benchmark of docs/benchmarks/runtime.md (a program, not a test): with 1, 1,000 and 10,000
 * farms of four backends loaded, the latency of one weight change, one state change and one
 * added farm, from the API call until the kernel has it (p50/p99), the cold load time, and the
 * memory held per farm; for this library over netlink, the same runtime over {@code nft -f},
 * and Debian's nftlb through its HTTP API. Each system runs in a fresh network namespace; no
 * traffic is sent. {@code ours-metered} is {@code ours-netlink} with nftlb-micrometer's binder
 * attached: run side by side with it (see docs/benchmarks/metrics.md), it measures what the
 * meters cost a change.
 *
 * <pre>nftlb-bench/runtime.sh [--scales 1,1000,10000] [--ops 300] [--warmup-seconds 10] [--systems ours-netlink,ours-nft,nftlb]
 *     [--max-farms-nft 10000] [--max-farms-nftlb 1000] [--out docs/benchmarks] [--page runtime.md]</pre>
 */
public final class RuntimeBench {

    private RuntimeBench() {}

    /** One system at one scale. */
    record Result(String system, int farms, double loadSeconds, Latency weight, Latency state, Latency add,
                  double bytesPerFarm) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        List<Integer> scales = Arrays.stream(opts.getOrDefault("scales", "1,1000,10000").split(","))
                .map(Integer::parseInt).toList();
        int ops = Integer.parseInt(opts.getOrDefault("ops", "300"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("warmup-seconds", "10")));
        List<String> systems = List.of(opts.getOrDefault("systems", "ours-netlink,ours-nft,nftlb").split(","));
        Map<String, Integer> maxFarms = Map.of("ours-netlink", Integer.MAX_VALUE,
                "ours-nft", Integer.parseInt(opts.getOrDefault("max-farms-nft", "10000")),
                "nftlb", Integer.parseInt(opts.getOrDefault("max-farms-nftlb", "1000")));
        Path out = Path.of(opts.getOrDefault("out", "docs/benchmarks"));
        String page = opts.getOrDefault("page", "runtime.md");

        List<Result> results = new ArrayList<>();
        for (int n : scales) {
            for (String system : systems) {
                if (n > maxFarms.getOrDefault(system, Integer.MAX_VALUE)) {
                    System.out.printf(Locale.ROOT, "%-13s %6d farms: skipped (over --max-farms for it)%n", system, n);
                    continue;
                }
                Result r = run(system, n, ops, warmup);
                results.add(r);
                System.out.println(line(r));
            }
        }
        RuntimeReport.write(out.resolve(page), results, ops, warmup);
    }

    static Result run(String system, int n, int ops, Duration warmup) throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            Function<NetworkNamespace, ControlPlane> open = switch (system) {
                case "ours-netlink" -> b -> new LibraryControlPlane(system, NetlinkTransport.openInNamespace(b.name()));
                case "ours-nft" -> b -> new LibraryControlPlane(system, NftCliTransport.inNamespace(b.name()));
                case "ours-metered" -> b -> LibraryControlPlane.metered(system, NetlinkTransport.openInNamespace(b.name()));
                case "nftlb" -> NftlbControlPlane::new;
                default -> throw new IllegalArgumentException("unknown system " + system
                        + "; known: ours-netlink, ours-nft, ours-metered, nftlb");
            };
            try (ControlPlane cp = open.apply(ns)) {
                // Measured once the system is up with no farms, for each system alike (nftlb's
                // process, our heap): what the farms cost, not the sockets and buffers of an empty one.
                long memoryBefore = cp.memoryBytes();
                List<Farm> farms = farms(n);
                long t0 = System.nanoTime();
                cp.load(farms);
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                // Below 100 farms the difference is class loading and buffers, not farms.
                double bytesPerFarm = n < 100 ? Double.NaN : (cp.memoryBytes() - memoryBefore) / (double) n;
                String last = farms.get(n - 1).name();
                Latency weight = Latency.measure(warmup, ops, k -> cp.setWeight(last, "b" + (k % 4), 1 + k % 100));
                Latency state = Latency.measure(warmup, ops, k -> cp.setUp(last, "b1", k % 2 == 1));
                int adds = Math.max(10, ops / 3);
                Latency add = Latency.measure(warmup, adds, k -> cp.add(extra(k)), k -> cp.remove(extra(k).name()));
                return new Result(system, n, loadSeconds, weight, state, add, bytesPerFarm);
            }
        }
    }

    /** The farm the "add" measurement adds (and then removes, untimed): outside the loaded set. */
    private static Farm extra(int k) {
        return farm("x" + k, "10.3." + (k / 200) + "." + (k % 200 + 10));
    }

    /** Service {@code i}'s farm: weighted dNAT of its VIP:80 to the four backends. */
    static List<Farm> farms(int n) {
        List<Farm> farms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            farms.add(farm(Services.name(i), Services.vip(i)));
        }
        return farms;
    }

    private static Farm farm(String name, String vip) {
        List<Backend> backends = new ArrayList<>();
        for (int b = 0; b < Services.BACKENDS.size(); b++) {
            backends.add(Backend.of("b" + b, Services.BACKENDS.get(b)));
        }
        return Farm.dnat(vip).port(Services.PORT).named(name).weighted(backends.toArray(Backend[]::new));
    }

    static String line(Result r) {
        return String.format(Locale.ROOT, "%-13s %6d farms: load %8.3f s; weight %s; state %s; add farm %s; %s per farm",
                r.system(), r.farms(), r.loadSeconds(), r.weight(), r.state(), r.add(), RuntimeReport.bytes(r.bytesPerFarm()));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + List.of(args));
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
