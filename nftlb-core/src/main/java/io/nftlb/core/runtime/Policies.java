package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.Farm;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Table;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.plan.TablePlanner;
import io.nftlb.core.transport.Op;
import io.nftlb.core.transport.Transaction;
import io.nftlb.core.transport.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The blacklists and whitelists in the kernel: owns the library's netdev table
 * ({@link PolicyCompiler#TABLE}) and commits every change to it as one atomic transaction.
 *
 * <pre>{@code
 * try (LoadBalancer lb = LoadBalancer.open(NetlinkTransport.open());
 *      Policies policies = Policies.open(NetlinkTransport.open(), lb::farms)) {
 *     lb.apply(web).join();
 *     policies.apply(Policy.blacklist("bad").on("eth0").networks("192.0.2.0/24"));
 *     policies.addNetworks("bad", "198.51.100.7");   // element-only: no rule changes
 *     lb.apply(api).join();
 *     policies.farmsChanged();                          // all-farms policies now cover "api" too
 * }
 * }</pre>
 *
 * <p>Adding or removing networks is a transaction of element operations on the policy's set
 * only; its cost follows the networks given, not the networks held. Applying or removing a
 * policy changes rules, and replaces the table atomically (its elements go with it). Farms
 * are read from the supplier (usually {@code loadBalancer::farms}) when a policy is applied
 * and on {@link #farmsChanged()}; which farms a policy covers is elements too.
 *
 * <p>Calls are synchronous (they return when the kernel has the change) and thread-safe. A
 * kernel refusal throws and changes nothing; invalid input throws before anything is sent.
 * The transport must be the policies' own (transports are used by one thread at a time).
 */
public final class Policies implements AutoCloseable {

    private final Transport transport;
    private final Supplier<List<Farm>> farms;
    private final Map<String, Policy> policies = new LinkedHashMap<>(); // committed, guarded by this
    private List<Farm> boundFarms; // the farms the committed table covers, guarded by this
    private Table table; // committed, guarded by this; null after element-only changes (recompiled on need)

    private Policies(Transport transport, Supplier<List<Farm>> farms) {
        this.transport = transport;
        this.farms = farms;
    }

    /**
     * Replaces the library's netdev table with an empty one, and takes the transport.
     *
     * @param farms the farms policies apply to, read on {@link #apply} and {@link #farmsChanged()}
     */
    public static Policies open(Transport transport, Supplier<List<Farm>> farms) {
        Policies p = new Policies(requireNonNull(transport, "transport"), requireNonNull(farms, "farms"));
        Table empty = PolicyCompiler.compile(List.of(), List.of());
        transport.commit(Planner.create(empty));
        p.table = empty;
        p.boundFarms = List.of();
        return p;
    }

    /** Adds a policy, or replaces the policy of the same name. */
    public synchronized void apply(Policy policy) {
        requireNonNull(policy, "policy");
        Map<String, Policy> next = new LinkedHashMap<>(policies);
        next.put(policy.name(), policy);
        commitWhole(next, List.copyOf(farms.get()));
    }

    /** Removes a policy; removing one that does not exist does nothing. */
    public synchronized void remove(String name) {
        requireNonNull(name, "name");
        if (policies.containsKey(name)) {
            Map<String, Policy> next = new LinkedHashMap<>(policies);
            next.remove(name);
            commitWhole(next, boundFarms);
        }
    }

    /** Re-reads the farms: policies cover farms added since, and no longer those removed. */
    public synchronized void farmsChanged() {
        commitWhole(policies, List.copyOf(farms.get()));
    }

    /**
     * Adds networks to a policy as one element-only transaction.
     *
     * @throws IllegalArgumentException if there is no such policy
     * @throws io.nftlb.core.InvalidFarmException if a network is invalid, already there, or overlaps one there
     */
    public synchronized void addNetworks(String policy, String... networks) {
        Policy before = policy(policy);
        Policy after = before.networks(networks); // checks them against the members there
        commitMembers(before, after, Arrays.stream(networks).map(Network::parse).toList(), true);
    }

    /**
     * Removes networks from a policy as one element-only transaction.
     *
     * @throws IllegalArgumentException if there is no such policy
     * @throws io.nftlb.core.InvalidFarmException if a network is not one of the policy's, as written
     */
    public synchronized void removeNetworks(String policy, String... networks) {
        Policy before = policy(policy);
        List<Network> gone = Arrays.stream(networks).map(Network::parse).toList();
        commitMembers(before, before.withoutNetworks(gone), gone, false);
    }

    /** The committed policies, in the order they were first applied. */
    public synchronized List<Policy> policies() {
        return List.copyOf(policies.values());
    }

    /** For people: what the data path does with a committed policy. */
    public synchronized Optional<String> explain(String name) {
        return Optional.ofNullable(policies.get(name)).map(p -> PolicyCompiler.explain(p, boundFarms));
    }

    /** Closes the transport; the table stays in the kernel. */
    @Override
    public synchronized void close() {
        transport.close();
    }

    private Policy policy(String name) {
        requireNonNull(name, "policy");
        Policy p = policies.get(name);
        if (p == null) {
            throw new IllegalArgumentException("policy \"" + name + "\" does not exist");
        }
        return p;
    }

    private void commitWhole(Map<String, Policy> wanted, List<Farm> nextFarms) {
        Map<String, Policy> next = new LinkedHashMap<>(wanted); // wanted may be the committed map itself
        Table desired = PolicyCompiler.compile(List.copyOf(next.values()), nextFarms);
        Table current = table != null ? table : PolicyCompiler.compile(List.copyOf(policies.values()), boundFarms);
        Transaction tx = TablePlanner.diff(Optional.of(current), desired);
        if (!tx.isEmpty()) {
            transport.commit(tx);
        }
        policies.clear();
        policies.putAll(next);
        boundFarms = nextFarms;
        table = desired;
    }

    private void commitMembers(Policy before, Policy after, List<Network> changed, boolean add) {
        List<Op> ops = new ArrayList<>();
        for (boolean v6 : List.of(false, true)) {
            List<Element> elements = PolicyCompiler.members(changed, v6);
            if (!elements.isEmpty()) {
                String set = PolicyCompiler.membersSet(before.name(), v6);
                ops.add(add ? new Op.AddElements(PolicyCompiler.TABLE, set, elements)
                        : new Op.DeleteElements(PolicyCompiler.TABLE, set, elements));
            }
        }
        if (!ops.isEmpty()) {
            transport.commit(Transaction.of(ops));
        }
        policies.put(before.name(), after);
        table = null;
    }
}
