package io.nftlb.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs real network namespaces (root).
 *
 * <p>It tags the test {@code netns} (so the build can run it apart from unit tests: name the
 * class {@code *IT} for failsafe) and registers {@link NetnsExtension}, which
 * <ul>
 *   <li>skips the test, with the reason, where namespaces cannot be made (not root, no
 *       {@code nft}...), but fails it instead when {@code -Dnftlb.requireNetns=true} or {@code NFTLB_REQUIRE_NETNS=true} asks for kernel tests;</li>
 *   <li>passes a fresh {@link NetworkNamespace} to each parameter of that type;</li>
 *   <li>closes every {@link NetworkNamespace} and {@link Topology} created during a test
 *       (or during {@code @BeforeAll}: at the end of the class), even if the test fails.</li>
 * </ul>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("netns")
@ExtendWith(NetnsExtension.class)
public @interface RequiresNetns {}
