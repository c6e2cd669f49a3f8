package io.nftlb.testkit;

/**
 * A JVM that creates a namespace, prints its name and waits to be killed: lets a test check
 * what the kit leaves behind after SIGTERM and SIGKILL.
 */
public final class NamespaceHolderMain {
    private NamespaceHolderMain() {}

    public static void main(String[] args) throws InterruptedException {
        NetworkNamespace namespace = NetworkNamespace.create();
        System.out.println(namespace.name());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
