package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netns.internal.Netns;
import io.nftlb.testkit.internal.NamespaceRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RequiresNetns
class NetworkNamespaceIT {
    private static Set<String> namespacesBefore;
    private String workerNamespace;

    @BeforeAll
    static void recordHostNamespaces() {
        namespacesBefore = HostNamespaces.listOwnedHereOrForeign();
    }

    @AfterAll
    static void hostNamespacesAreAsBefore() {
        assertEquals(namespacesBefore, HostNamespaces.listOwnedHereOrForeign());
    }

    @BeforeEach
    void recordWorkerNamespace() throws IOException {
        workerNamespace = Netns.currentThreadNamespace();
        // The process's first thread never switches: it names the namespace the JVM started in.
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), workerNamespace,
                "the JUnit worker starts in the JVM's own namespace");
    }

    @AfterEach
    void workerNamespaceNeverChanges() {
        assertEquals(workerNamespace, Netns.currentThreadNamespace());
    }

    @Test
    void isCreatedAndRemoved() {
        NetworkNamespace namespace = NetworkNamespace.create();
        assertTrue(namespace.name().startsWith("nftlbt-" + ProcessHandle.current().pid() + "-"), namespace.name());
        assertTrue(HostNamespaces.list().contains(namespace.name()));
        assertTrue(namespace.isOpen());

        namespace.close();
        namespace.close();

        assertFalse(HostNamespaces.list().contains(namespace.name()));
        assertFalse(namespace.isOpen());
        assertThrows(IllegalStateException.class, () -> namespace.exec("true"));
    }

    @Test
    void parametersAreFreshDistinctNamespaces(NetworkNamespace first, NetworkNamespace second) {
        assertNotEquals(first.name(), second.name());
        assertTrue(HostNamespaces.list().containsAll(List.of(first.name(), second.name())));
    }

    @Test
    void commandsRunInside(NetworkNamespace namespace) {
        String links = namespace.execOrThrow("ip", "-o", "link").stdout();

        assertEquals(1, links.lines().count(), links);
        assertTrue(links.contains(": lo:"), links);
    }

    @Test
    void aFailingCommandSaysWhy(NetworkNamespace namespace) {
        CommandResult result = namespace.exec("ip", "link", "show", "nosuchdev");
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> namespace.execOrThrow("ip", "link", "show", "nosuchdev"));

        assertFalse(result.succeeded());
        assertTrue(e.getMessage().contains("nosuchdev") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void nftRunsInsideAndLeavesTheRootRulesetAlone(NetworkNamespace namespace) {
        String table = "nftlbt_probe_" + System.nanoTime();

        namespace.nft("table ip " + table + " {\n chain input { type filter hook input priority 0; policy accept; }\n}\n");

        assertTrue(namespace.listRuleset().contains("table ip " + table), namespace.listRuleset());
        String json = namespace.listRulesetJson();
        assertTrue(json.startsWith("{\"nftables\"") && json.contains("\"" + table + "\""), json);
        assertFalse(HostNamespaces.rootRuleset().contains(table), "the root namespace got the table");
    }

    @Test
    void nftErrorsAreNamed(NetworkNamespace namespace) {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> namespace.nft("table ip t {\n chain c { bogus_statement; }\n}\n"));

        assertTrue(e.getMessage().startsWith("nft -f failed in network namespace " + namespace.name()), e.getMessage());
        assertTrue(e.getMessage().contains("Error:") && e.getMessage().contains("bogus_statement"), e.getMessage());
    }

    @Test
    void runInsideRunsOnAPlatformThreadInTheNamespace(NetworkNamespace namespace) throws Exception {
        String expected = "net:[" + Files.getAttribute(namespace.path(), "unix:ino") + "]";

        String inside = namespace.runInside(Netns::currentThreadNamespace);
        boolean virtual = namespace.runInside(() -> Thread.currentThread().isVirtual());

        assertEquals(expected, inside);
        assertNotEquals(workerNamespace, inside);
        assertFalse(virtual);
    }

    @Test
    void runInsideRethrowsTheTasksException(NetworkNamespace namespace) {
        IOException e = assertThrows(IOException.class, () -> namespace.runInside(() -> {
            throw new IOException("from inside");
        }));
        assertEquals("from inside", e.getMessage());
    }

    @Test
    void runInsideWorksFromAVirtualThreadWithoutSwitchingIt(NetworkNamespace namespace) throws Exception {
        String[] seen = new String[2];
        Thread.ofVirtual().start(() -> {
            try {
                seen[0] = namespace.runInside(Netns::currentThreadNamespace);
                seen[1] = Netns.currentThreadNamespace();
            } catch (Exception e) {
                seen[0] = e.toString();
            }
        }).join();

        assertEquals("net:[" + Files.getAttribute(namespace.path(), "unix:ino") + "]", seen[0]);
        assertEquals(workerNamespace, seen[1]);
    }

    @Test
    void socketsCreatedInsideListenInside(NetworkNamespace namespace) throws Exception {
        namespace.execOrThrow("ip", "link", "set", "lo", "up");

        try (ServerSocket server = namespace.runInside(
                () -> new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))) {
            String listening = namespace.execOrThrow("ss", "-Hltn").stdout();
            assertTrue(listening.contains("127.0.0.1]:" + server.getLocalPort() + " "), listening);
            // The socket keeps working from a root-namespace thread: accept a connection made inside.
            namespace.runInside(() -> {
                new java.net.Socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        server.getLocalPort()), 1000);
                return null;
            });
            server.setSoTimeout(2000);
            server.accept().close();
        }
    }

    @Test
    void threadFactoryMakesPlatformThreadsInside(NetworkNamespace namespace) throws Exception {
        String expected = "net:[" + Files.getAttribute(namespace.path(), "unix:ino") + "]";
        ExecutorService pool = Executors.newFixedThreadPool(3, namespace.threadFactory());
        try {
            List<Future<String>> seen = pool.invokeAll(List.of(
                    () -> Thread.currentThread().isVirtual() + " " + Netns.currentThreadNamespace(),
                    () -> Thread.currentThread().isVirtual() + " " + Netns.currentThreadNamespace(),
                    () -> Thread.currentThread().isVirtual() + " " + Netns.currentThreadNamespace()));
            for (Future<String> s : seen) {
                assertEquals("false " + expected, s.get());
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedNamespaceMakesNoThreads() {
        NetworkNamespace namespace = NetworkNamespace.create();
        namespace.close();

        assertThrows(IllegalStateException.class, () -> namespace.threadFactory().newThread(() -> { }));
        assertThrows(IllegalStateException.class, () -> namespace.runInside(() -> 1));
    }

    @Test
    void sigtermRemovesTheNamespacesOfTheDyingJvm() throws Exception {
        Process child = startNamespaceHolder();
        String name = readNamespaceName(child);
        assertTrue(NamespaceRegistry.exists(name));

        child.destroy(); // SIGTERM: the shutdown hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        assertFalse(NamespaceRegistry.exists(name), name + " survived SIGTERM");
    }

    @Test
    void leftoversOfAKilledJvmAreSweptByTheNext() throws Exception {
        Process child = startNamespaceHolder();
        String name = readNamespaceName(child);

        child.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(NamespaceRegistry.exists(name), "SIGKILL left " + name + " behind");

        List<String> swept = NamespaceRegistry.sweepLeftovers();

        assertTrue(swept.contains(name), swept.toString());
        assertFalse(NamespaceRegistry.exists(name));
    }

    private static Process startNamespaceHolder() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), NamespaceHolderMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static String readNamespaceName(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String name = out.readLine();
        assertTrue(name != null && name.startsWith("nftlbt-" + child.pid() + "-"), "child printed " + name);
        return name;
    }
}
