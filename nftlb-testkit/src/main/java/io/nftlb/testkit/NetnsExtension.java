package io.nftlb.testkit;

import io.nftlb.testkit.internal.NetnsCapability;
import io.nftlb.testkit.internal.TestScope;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support for kernel tests; use it through {@link RequiresNetns}.
 *
 * <p>Before a test class or test: checks that namespaces can be made here, and skips the test
 * with the reason if not (fails it if {@code -Dnftlb.requireNetns=true} or {@code NFTLB_REQUIRE_NETNS=true}). Resolves {@link NetworkNamespace}
 * parameters to fresh namespaces. After a test (or class): closes the namespaces and
 * topologies created during it, on the test's thread, after the test's own
 * {@code @AfterEach} methods ran.
 */
public final class NetnsExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetnsExtension.class);

    private final Supplier<NetnsCapability.Decision> capability;

    /** Used by JUnit. */
    public NetnsExtension() {
        this(NetnsCapability::current);
    }

    /** Test seam: decides with {@code capability} instead of this machine's facts. */
    NetnsExtension(Supplier<NetnsCapability.Decision> capability) {
        this.capability = capability;
    }

    /** Checks that namespaces can be made, then opens the class's resource scope. */
    @Override
    public void beforeAll(ExtensionContext context) {
        requireNamespaces();
        openScope(context, "test class " + context.getDisplayName());
    }

    /** Checks that namespaces can be made, then opens the test's resource scope. */
    @Override
    public void beforeEach(ExtensionContext context) {
        requireNamespaces();
        openScope(context, "test " + context.getDisplayName());
    }

    /** Closes what the test created. */
    @Override
    public void afterEach(ExtensionContext context) {
        closeScope(context);
    }

    /** Closes what the class created in {@code @BeforeAll}. */
    @Override
    public void afterAll(ExtensionContext context) {
        closeScope(context);
    }

    /** Resolves parameters of type {@link NetworkNamespace}. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NetworkNamespace.class;
    }

    /** A fresh namespace, closed when the test (or class, for {@code @BeforeAll}) ends. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        requireNamespaces();
        NetworkNamespace namespace = NetworkNamespace.create();
        // Also in the store: parameters of constructors and lifecycle methods may be
        // resolved outside of any scope this extension opened.
        context.getStore(STORE).put(namespace.name(), (ExtensionContext.Store.CloseableResource) namespace::close);
        return namespace;
    }

    private void requireNamespaces() {
        NetnsCapability.Decision decision = capability.get();
        switch (decision.verdict()) {
            case RUN -> { }
            case SKIP -> Assumptions.abort(decision.reason());
            case FAIL -> throw new IllegalStateException(decision.reason());
        }
    }

    private static void openScope(ExtensionContext context, String description) {
        TestScope scope = TestScope.open(description);
        // The store closes it too if JUnit never reaches our after-callback.
        context.getStore(STORE).put(scopeKey(context), (ExtensionContext.Store.CloseableResource) scope::close);
    }

    private static void closeScope(ExtensionContext context) {
        Object scope = context.getStore(STORE).remove(scopeKey(context));
        if (scope instanceof ExtensionContext.Store.CloseableResource resource) {
            try {
                resource.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String scopeKey(ExtensionContext context) {
        return "scope " + context.getUniqueId();
    }
}
