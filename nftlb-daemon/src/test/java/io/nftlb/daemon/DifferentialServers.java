package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.Persistence;
import io.nftlb.core.internal.compile.Layout;

import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The two servers of the differential test, each in its own namespace and listening on that
 * namespace's loopback at {@value #PORT}: Debian's nftlb (a process started with
 * {@code ip netns exec}) and the daemon (in this JVM, its API bound inside the namespace).
 * Requests are raw HTTP/1.1 from a thread inside the server's namespace, so a request goes out
 * as written (a DELETE with a body, a missing key) and the reply comes back byte for byte.
 */
final class DifferentialServers {

    static final String KEY = "differential-key";
    static final int PORT = 5555;
    static final String NFTLB = "/usr/sbin/nftlb";

    /** A status and the body as received. */
    record Reply(int status, String body) {}

    /** A server the test talks to. */
    interface Server extends AutoCloseable {
        NetworkNamespace namespace();

        @Override
        void close();

        /**
         * Makes the server's data path remember {@code client} on {@code backend} of {@code farm}
         * for an hour, as its persistence would after the client connected: an element of the
         * server's own persistence map, added with {@code nft} (the comparison is of what each
         * server then answers about it, not of how it is stored). A dsr farm remembers the
         * backend's MAC, {@code mac} (nftlb's GET does not show it).
         */
        void remember(String farm, String client, String backend, String mac);

        /** One request on a new connection. */
        default Reply send(DifferentialCorpus.Step step) {
            try {
                return namespace().runInside(() -> exchange(step));
            } catch (IOException e) {
                throw new UncheckedIOException(namespace() + ": " + step + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalStateException(namespace() + ": " + step, e);
            }
        }
    }

    private DifferentialServers() {}

    /**
     * Gives a namespace what a balancer host has: loopback up and a device with addresses on
     * the corpus's virtual (10.0.0.0/24, fd00::/64) and backend (10.1.0.0/24, fd00:1::/64)
     * networks, so that both servers find a route to every backend.
     */
    static void prepare(NetworkNamespace ns) {
        ns.execOrThrow("ip", "link", "set", "lo", "up");
        // A veth pair whose peer stays down in the same namespace: this kernel has no dummy devices.
        ns.execOrThrow("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        ns.execOrThrow("ip", "link", "set", "eth0", "up");
        for (String a : new String[] {"10.0.0.1/24", "10.1.0.1/24", "fd00::1/64", "fd00:1::1/64"}) {
            ns.execOrThrow("ip", "addr", "add", a, "dev", "eth0", "nodad");
        }
    }

    /** Debian's nftlb, started afresh (it removes its tables when it starts). */
    static Server nftlb(NetworkNamespace ns, Path log) {
        Process process;
        try {
            process = new ProcessBuilder("ip", "netns", "exec", ns.name(), NFTLB, "-k", KEY, "-H", "127.0.0.1", "-P",
                    String.valueOf(PORT), "-l", "7", "-L", "1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + NFTLB + " (Debian package nftlb)", e);
        }
        Server server = new Server() {
            @Override
            public NetworkNamespace namespace() {
                return ns;
            }

            @Override
            public void remember(String farm, String client, String backend, String mac) {
                // nftlb's persistence map of a farm: persist-FARM, client : the connection's ct mark
                // (ip nftlb), which is the backend's mark with, in a masquerading farm (snat without
                // a source address), nftlb's postrouting bit 0x80000000 (backend_get_mark); in dsr
                // mode, client : the backend's MAC (netdev nftlb).
                JsonNode f = farmAsShown(this, farm);
                JsonNode b = backendAsShown(f, backend);
                if (f.path("mode").asText().equals("dsr")) {
                    ns.execOrThrow("nft", "add element netdev nftlb persist-" + farm + " { " + client + " timeout 1h : "
                            + mac + " }");
                    return;
                }
                long mark = Long.decode(b.path("mark").asText());
                if (f.path("mode").asText().equals("snat") && f.path("source-addr").asText().isEmpty()) {
                    mark |= 0x80000000L;
                }
                ns.execOrThrow("nft", "add element ip nftlb persist-" + farm + " { " + client + " timeout 1h : "
                        + mark + " }");
            }

            @Override
            public void close() {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        awaitListening(server, () -> process.isAlive(), log);
        return server;
    }

    /** The daemon, started afresh on an empty configuration (it converges the namespace's kernel to it). */
    static Server daemon(NetworkNamespace ns) {
        try {
            Daemon daemon = Daemon.start(NetlinkTransport.openInNamespace(ns.name()), ConfigEdits.empty(),
                    DeviceFinder.ip(Optional.of(ns.name())));
            Api api = ns.runInside(() -> Api.start(daemon, "127.0.0.1", PORT, KEY));
            return new Server() {
                @Override
                public NetworkNamespace namespace() {
                    return ns;
                }

                @Override
                public void remember(String farm, String client, String backend, String mac) {
                    // The library's persistence maps: the client's key fields as nft writes them
                    // ("10.2.0.1" or "10.2.0.1 . 40000") . virtual address . port : the backend's
                    // mark (inet nftlb), or for dsr its MAC (netdev nftlb).
                    Farm f = daemon.farms().stream().filter(x -> x.name().equals(farm)).findFirst().orElseThrow();
                    Persistence.Key key = f.persistence().orElseThrow().key();
                    String element = client + " . " + f.addresses().get(0).getHostAddress() + " . "
                            + f.ports().get(0).from() + " timeout 1h : ";
                    if (f.forwarding() instanceof Forwarding.Dsr) {
                        ns.execOrThrow("nft", "add element netdev nftlb " + Layout.dsrPersistence(key, false)
                                + " { " + element + mac + " }");
                        return;
                    }
                    ns.execOrThrow("nft", "add element inet nftlb " + Layout.persistence(key, false) + " { " + element
                            + daemon.loadBalancer().marks(farm).get(backend) + " }");
                }

                @Override
                public void close() {
                    api.close();
                    daemon.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A farm as the server's GET shows it. */
    private static JsonNode farmAsShown(Server server, String farm) {
        Reply reply = server.send(new DifferentialCorpus.Step("GET", "/farms/" + farm, Optional.of(KEY), ""));
        return ConfigMapper.parse(reply.body()).path("farms").path(0);
    }

    /** A backend of a farm as the server's GET shows it. */
    private static JsonNode backendAsShown(JsonNode farm, String backend) {
        for (JsonNode b : farm.path("backends")) {
            if (b.path("name").asText().equals(backend)) {
                return b;
            }
        }
        throw new IllegalArgumentException("farm " + farm.path("name") + " has no backend " + backend + ": " + farm);
    }

    private static void awaitListening(Server server, java.util.function.BooleanSupplier alive, Path log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                boolean up = server.namespace().runInside(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", PORT), 1_000);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
                if (up) {
                    return;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("nftlb did not listen on 127.0.0.1:" + PORT + " in "
                        + server.namespace() + "; its output: " + readQuietly(log));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The request as a client such as curl writes it, and the reply read until the server closes. */
    private static Reply exchange(DifferentialCorpus.Step step) throws IOException {
        byte[] body = step.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(step.method()).append(' ').append(step.path()).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(PORT).append("\r\n");
        step.key().ifPresent(k -> head.append("Key: ").append(k).append("\r\n"));
        if (!step.method().equals("GET")) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        String raw;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), 10_000);
            s.setSoTimeout(120_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            raw = RawHttp.readAll(s.getInputStream());
        }
        int status = RawHttp.status(raw);
        int end = raw.indexOf("\r\n\r\n");
        return new Reply(status, end < 0 ? "" : raw.substring(end + 4));
    }
}
