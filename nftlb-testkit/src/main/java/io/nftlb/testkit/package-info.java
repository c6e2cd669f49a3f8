/**
 * Test fixtures for nftables load-balancer rulesets, with the kernel as the oracle.
 *
 * <ul>
 *   <li>{@link io.nftlb.testkit.NetworkNamespace}: a throwaway network namespace to run
 *       {@code nft} and Java code in;</li>
 *   <li>{@link io.nftlb.testkit.RequiresNetns}: JUnit 5 support (skip without root, fail when
 *       {@code nftlb.requireNetns=true}, inject namespaces, clean up);</li>
 *   <li>{@link io.nftlb.testkit.Topology}: a client, a balancer and backends running tiny
 *       servers, to prove a ruleset with real connections, counted in a
 *       {@link io.nftlb.testkit.Tally};</li>
 *   <li>{@link io.nftlb.testkit.Golden}: golden-file assertions for rendered rulesets, rewritten
 *       with {@code -Dgolden.update=true} (no root needed).</li>
 * </ul>
 *
 * <p>Everything but {@code Golden} needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2 and nftables. JNA is
 * used for {@code setns(2)}: on JDK 24 and later, run tests with
 * {@code --enable-native-access=ALL-UNNAMED}.
 */
package io.nftlb.testkit;
