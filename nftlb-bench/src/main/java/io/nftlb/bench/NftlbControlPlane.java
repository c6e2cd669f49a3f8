package io.nftlb.bench;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nftlb daemon driven through its HTTP API, as a control plane would use it: the
 * daemon runs inside the balancer's namespace on loopback, and every request is made from a
 * thread inside that namespace. A request returns once nftlb has applied it with nft.
 */
final class NftlbControlPlane implements ControlPlane {

    private static final String KEY = "nftlb-bench";
    private static final int PORT = 5555;

    private final Process daemon;
    private final ExecutorService inside;

    NftlbControlPlane(NetworkNamespace balancer) {
        balancer.execOrThrow("ip", "link", "set", "lo", "up"); // the API listens on loopback
        try {
            this.daemon = new ProcessBuilder("ip", "netns", "exec", balancer.name(), "nftlb", "-k", KEY, "-H",
                    "127.0.0.1", "-P", String.valueOf(PORT), "-l", "3")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nftlb (Debian package nftlb)", e);
        }
        this.inside = Executors.newSingleThreadExecutor(balancer.threadFactory());
        awaitListening();
    }

    @Override
    public String name() {
        return "nftlb";
    }

    /** All farms in one POST, as nftlb's own configuration file would hold them. */
    @Override
    public void load(List<Farm> farms) {
        StringBuilder json = new StringBuilder("{ \"farms\" : [");
        for (int i = 0; i < farms.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n").append(farmJson(farms.get(i)));
        }
        request("POST", "/farms", json.append("\n] }").toString());
    }

    @Override
    public void setWeight(String farm, String backend, int weight) {
        request("POST", "/farms", "{ \"farms\" : [ { \"name\" : \"" + farm + "\", \"backends\" : [ { \"name\" : \""
                + backend + "\", \"weight\" : \"" + weight + "\" } ] } ] }");
    }

    @Override
    public void setUp(String farm, String backend, boolean up) {
        request("POST", "/farms", "{ \"farms\" : [ { \"name\" : \"" + farm + "\", \"backends\" : [ { \"name\" : \""
                + backend + "\", \"state\" : \"" + (up ? "up" : "down") + "\" } ] } ] }");
    }

    @Override
    public void add(Farm farm) {
        request("POST", "/farms", "{ \"farms\" : [ " + farmJson(farm) + " ] }");
    }

    @Override
    public void remove(String farm) {
        request("DELETE", "/farms/" + farm, null);
    }

    /** The daemon's resident memory (VmRSS of the nftlb process), in bytes. */
    @Override
    public long memoryBytes() {
        // ip netns exec replaces itself with nftlb; look below it too, in case it ever forks.
        long pid = daemon.descendants().filter(p -> p.info().command().orElse("").endsWith("nftlb"))
                .map(ProcessHandle::pid).findFirst().orElse(daemon.pid());
        return rssBytes(pid);
    }

    private static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** A weighted dNAT farm in nftlb's JSON (the benchmark's farms have only what nftlb expresses). */
    static String farmJson(Farm farm) {
        StringBuilder json = new StringBuilder("{ \"name\" : \"").append(farm.name())
                .append("\", \"family\" : \"ipv4\", \"virtual-addr\" : \"")
                .append(farm.addresses().get(0).getHostAddress()).append("\", \"virtual-ports\" : \"")
                .append(farm.ports().get(0).from()).append("\", \"mode\" : \"dnat\", \"protocol\" : \"tcp\", ")
                .append("\"scheduler\" : \"weight\", \"state\" : \"up\", \"backends\" : [");
        for (int b = 0; b < farm.backends().size(); b++) {
            Backend backend = farm.backends().get(b);
            json.append(b == 0 ? " " : ", ").append("{ \"name\" : \"").append(backend.name())
                    .append("\", \"ip-addr\" : \"").append(backend.address().getHostAddress())
                    .append("\", \"weight\" : \"").append(backend.weight()).append("\", \"state\" : \"up\" }");
        }
        return json.append(" ] }").toString();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                request("GET", "/farms", null);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !daemon.isAlive()) {
                    close();
                    throw new IllegalStateException("nftlb did not answer on 127.0.0.1:" + PORT, e);
                }
                sleep(50);
            }
        }
    }

    /** One HTTP request from inside the namespace; fails unless nftlb answers 2xx. */
    void request(String method, String path, String body) {
        try {
            inside.submit(() -> {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + PORT + path).toURL()
                        .openConnection();
                c.setRequestMethod(method);
                c.setRequestProperty("Key", KEY);
                c.setConnectTimeout(2_000);
                c.setReadTimeout(600_000); // loading 1,000 farms takes nftlb minutes
                if (body != null) {
                    c.setDoOutput(true);
                    try (OutputStream out = c.getOutputStream()) {
                        out.write(body.getBytes(StandardCharsets.UTF_8));
                    }
                }
                int status = c.getResponseCode();
                try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                    String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (status / 100 != 2) {
                        throw new IllegalStateException("nftlb " + method + " " + path + ": HTTP " + status + " " + answer);
                    }
                }
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        inside.shutdownNow();
        daemon.descendants().forEach(ProcessHandle::destroy);
        daemon.destroy();
        try {
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
