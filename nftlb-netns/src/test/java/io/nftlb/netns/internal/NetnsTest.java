package io.nftlb.netns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NetnsTest {

    @Test
    void virtualThreadsAreRefusedBeforeAnySyscall() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> thrown.set(assertThrows(IllegalStateException.class,
                        () -> Netns.enter(Path.of("/var/run/netns/does-not-matter")))))
                .join();

        assertTrue(thrown.get().getMessage().contains("virtual thread"), thrown.get().getMessage());
    }

    @Test
    void onlyPlainNamesNameANamespace() {
        assertEquals(Path.of("/var/run/netns/lb"), Netns.named("lb"));
        for (String bad : new String[] {"", ".", "..", "a/b"}) {
            assertThrows(IllegalArgumentException.class, () -> Netns.named(bad), bad);
        }
    }

    @Test
    void theCurrentThreadsNamespaceIsNamedByTheKernel() {
        assertTrue(Netns.currentThreadNamespace().matches("net:\\[\\d+]"),
                Netns.currentThreadNamespace());
    }
}
