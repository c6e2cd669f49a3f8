package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NamespaceSwitchTest {

    @Test
    void virtualThreadsAreRefusedBeforeAnySyscall() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> thrown.set(assertThrows(IllegalStateException.class,
                        () -> NamespaceSwitch.enter(Path.of("/var/run/netns/does-not-matter")))))
                .join();

        assertTrue(thrown.get().getMessage().contains("virtual thread"), thrown.get().getMessage());
    }

    @Test
    void theCurrentThreadsNamespaceIsNamedByTheKernel() {
        assertTrue(NamespaceSwitch.currentThreadNamespace().matches("net:\\[\\d+]"),
                NamespaceSwitch.currentThreadNamespace());
    }
}
