// This file is longer than the runtime's others on purpose: it is the runtime's public surface,
// and its class comment and its Builder's options are the user's manual of the runtime. It only
// delegates: changes go to Committer and State, start-up to StartUp, counters to FarmCounting.
package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A layer-4 load balancer in the kernel: holds the farms, and commits every change to them as
 * one small atomic transaction through a {@link Transport}.
 *
 * <pre>{@code
 * try (LoadBalancer lb = LoadBalancer.open(transport)) {
 *     lb.apply(Farm.dnat("10.0.0.40").port(80).named("web")
 *             .weighted(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"))).join();
 *     lb.setWeight("web", "b2", 50);            // returns at once; the future says when it is live
 *     lb.setState("web", "b1", BackendState.DOWN).join();
 * }
 * }</pre>
 *
 * <p><b>Start-up.</b> {@link Builder#open} brings the library's table ({@code inet nftlb}) to the
 * farms given to {@link Builder#farms} (none by default), and its netdev table ({@code netdev
 * nftlb}) to the policies and paths given, if there are any. It converges, it does not replace:
 * the kernel's tables are read back, farms and backends found there keep the ids and conntrack
 * marks they have (the element that says where a backend is carries the comment
 * {@code "<farm>/<backend>"}), and one transaction commits only what
 * differs, so live connections keep their backend and a new connection meets a complete table
 * at every instant. A table that already is exactly what is asked for (e.g. left by an earlier
 * run of the same program) is adopted as it is: nothing is committed for it, so round-robin
 * positions and learnt client MACs carry on. A table that cannot be read back as ours or is
 * declared differently (another release's layout) is replaced in one transaction. Nothing
 * outside these tables is ever touched.
 *
 * <p><b>Drift.</b> With {@link Builder#driftCheck}, the load balancer checks periodically that
 * the kernel's tables are still the ones it committed (the inet table, and the netdev table of
 * policies and ingress farms once it made one), and puts back those someone else changed or
 * deleted, in one transaction (it logs a warning and tells {@link CommitListener#drifted}). A
 * check reads the ruleset generation first and reads the tables back only if some transaction
 * other than its own happened since the last check. With or without periodic checks, a commit
 * the kernel refuses because an object of ours is missing (ENOENT) runs a check at once and, if
 * it put something back, is committed once more: a change right after someone deleted the
 * table succeeds.
 *
 * <p><b>Connections.</b> A backend that is removed, or set {@link BackendState#DOWN DOWN} or
 * {@link BackendState#OFF OFF}, keeps its live connections (conntrack keeps their address
 * translation) until they end, unless {@link Builder#flushConnectionsOnRemoval} is on: then
 * they are deleted right after the commit, before its future completes, and their next packets
 * are scheduled again as new connections (TCP ones are reset by the backend they land on). A
 * backend set to {@link BackendState#DRAIN DRAIN} always keeps them. {@link #counters} reads what
 * each backend's live connections carry.
 *
 * <p><b>Transaction size.</b> A transaction is never split, and never refused for its size:
 * each commit is one atomic kernel transaction, since a split one would let the data path see
 * half a change. {@code NetlinkTransport} sizes its socket buffers to the batch; a million
 * element operations take a few seconds in one transaction, and nftlb-netlink's
 * {@code LargeTransactionIT} shows 150,000 applied, or rejected, as one. Only the kernel limits
 * a size (its refusal is a {@link io.nftlb.core.transport.TransportException} naming the errno,
 * e.g. ENOMEM, and nothing is applied). Sizes follow from the changes: a weight or state change
 * is a few element operations, adding or removing a farm is its elements (a Maglev farm's table
 * is its largest part), and start-up or a drift repair is the whole table. Coalescing joins only
 * the changes made within one window, so a burst of large changes is one large transaction:
 * make very large changes (hundreds of thousands of elements) in separate calls, waiting for
 * each future, if the kernel's time per transaction matters (with an nftables event listener
 * anywhere on the host, it grows several times).
 *
 * <p><b>Changes</b> are safe to make from any thread. Each is checked in the caller's thread
 * (an invalid one throws and changes nothing), then queued; the returned future completes
 * when the kernel has it, or exceptionally with the reason it does not (usually a
 * {@link io.nftlb.core.transport.TransportException}). Changes are committed in call order.
 * Those made while a commit is under way (and within an optional window, see
 * {@link Builder#coalesce}) go to the kernel together in one transaction, and all their
 * futures complete with its outcome: a lone change is committed at once, a burst from many
 * threads in few transactions. A weight or state change is a few element operations on shared
 * maps; the cost of a change does not grow with the number of farms. To make several changes
 * one transaction whatever the timing (e.g. a new farm and the removal of the one it
 * replaces, or a farm and the policy that covers it), make them in one {@link #update} call:
 * farms, policies and paths go through the same queue, and any mix of them is one transaction.
 *
 * <p><b>Time.</b> The drift checks' interval and the coalescing window are timers of
 * {@link Builder#scheduler} (the system's by default); a test that gives a
 * {@link io.nftlb.core.testing.FakeScheduler} decides when they fire by advancing its clock.
 *
 * <p><b>Failures.</b> If a commit fails, every change in it fails with the same exception,
 * and the load balancer's state goes back to what the kernel has: it is as if those calls had
 * not been made. Changes made after them are applied again on top of that, and fail on their
 * own if they no longer apply. Each failure is logged once.
 *
 * <p><b>Identity.</b> A farm keeps its data-path id, and a backend its conntrack mark, for as
 * long as they exist, so live connections keep their backend across changes. A backend that is
 * removed and added again gets a new mark.
 *
 * <p><b>Ingress.</b> Policies ({@link #applyPolicy}) and {@link Farm#dsr DSR} and
 * {@link Farm#statelessDnat stateless dNAT} farms live in a second table, {@code netdev nftlb}
 * (see docs/ingress.md), which the load balancer manages like the first: a change that touches
 * both tables is one transaction, with the same rollback on failure and the same listeners.
 * A DSR or stateless dNAT farm needs its {@link DsrPath} (devices and MACs), given first with
 * {@link #setPath} or {@link Builder#paths}; {@code apply} of such a farm without one throws.
 * Its slots are placed by its data-path id, so they do not move when other farms come and go,
 * and a weight or state change is element operations. Adding or removing networks of a policy
 * is element operations on the policy's set only; farms coming and going change which services
 * a policy covers, also as elements. The load balancer leaves the netdev table alone until
 * something needs it; at start-up it converges it like the inet table.
 *
 * <p>The futures complete on the load balancer's thread that made the commit, right after the
 * kernel acknowledged it, so dependent actions that do not say otherwise ({@code thenRun} rather
 * than {@code thenRunAsync}) run there. They may call the load balancer again and wait: while
 * they run, another of its threads takes over committing when needed. {@link #close()} commits
 * what is already queued, then closes the transport; the rules stay in the kernel.
 */
public final class LoadBalancer implements AutoCloseable {

    /**
     * The default coalescing window: none. A lone change goes to the kernel at once (a fixed
     * window would add its length to every change's latency); changes that arrive during a
     * commit still go together into the next one.
     */
    public static final Duration DEFAULT_WINDOW = Duration.ZERO;

    private final Committer committer;
    private final Transport transport;

    private LoadBalancer(Committer committer, Transport transport) {
        this.committer = committer;
        this.transport = transport;
    }

    /**
     * Starts with no farms and the default options: adopts the library's table if it is an
     * empty data path already, else converges it to one (see the class comment). The load balancer owns the transport
     * from then on, and closes it.
     *
     * @throws io.nftlb.core.transport.TransportException if the kernel refused the start-up
     *     transaction; the transport is then still the caller's
     */
    public static LoadBalancer open(Transport transport) {
        return builder(transport).open();
    }

    /** Options for {@link Builder#open()}. */
    public static Builder builder(Transport transport) {
        return new Builder(requireNonNull(transport, "transport"));
    }

    /** Adds a farm, or replaces the farm of the same name. */
    public CompletableFuture<Void> apply(Farm farm) {
        return submit(new Changes().apply(farm));
    }

    /** Removes a farm. Removing a farm that does not exist does nothing. */
    public CompletableFuture<Void> remove(String farm) {
        return submit(new Changes().remove(farm));
    }

    /**
     * Sets a backend's state: only {@link BackendState#UP} backends take new connections.
     *
     * @throws IllegalArgumentException if there is no such farm or backend
     */
    public CompletableFuture<Void> setState(String farm, String backend, BackendState state) {
        return submit(new Changes().setState(farm, backend, state));
    }

    /**
     * Sets a backend's weight (0 takes it out of scheduling).
     *
     * @throws IllegalArgumentException if there is no such farm or backend, or the weight is out of range
     */
    public CompletableFuture<Void> setWeight(String farm, String backend, int weight) {
        return submit(new Changes().setWeight(farm, backend, weight));
    }

    /**
     * Sets the weights of several backends of a farm at once (dynamic weights from an
     * estimator); backends not named keep theirs.
     *
     * @throws IllegalArgumentException if there is no such farm, a backend is unknown, or a weight is out of range
     */
    public CompletableFuture<Void> setWeights(String farm, Map<String, Integer> weights) {
        return submit(new Changes().setWeights(farm, weights));
    }

    /**
     * Makes several changes as one transaction: they reach the kernel together, or not at all.
     * {@code changes} is called at once, in the caller's thread, to make them; then they are
     * checked in order, each on top of those before it, as the single calls check theirs.
     *
     * <pre>{@code
     * lb.update(c -> c.remove("old").apply(newFarm).setState("web", "b1", BackendState.DRAIN)).join();
     * lb.update(c -> c.apply(farm).applyPolicy(blacklist)).join(); // both tables, one transaction
     * }</pre>
     *
     * @return completes when the kernel has all of them (at once if they change nothing), or
     *     exceptionally with the reason it has none of them
     * @throws IllegalArgumentException (often {@link InvalidFarmException}) and
     *     {@link io.nftlb.core.compile.UnsupportedFeatureException} if a change is invalid:
     *     none of the changes is made then
     */
    public CompletableFuture<Void> update(Consumer<Changes> changes) {
        Changes group = new Changes();
        changes.accept(group);
        return submit(group);
    }

    private CompletableFuture<Void> submit(Changes group) {
        return committer.submit(group.list());
    }

    /**
     * Gives the link layer of a DSR or stateless dNAT farm (devices and MACs). Set it before
     * applying the farm; setting it for a farm already applied changes its rules (a new MAC is a
     * new path). A path alone, for a farm not applied, changes nothing in the kernel.
     *
     * @throws IllegalArgumentException if the farm exists and does not compile with this path
     *     (e.g. a serving backend has no MAC)
     */
    public CompletableFuture<Void> setPath(DsrPath path) {
        return submit(new Changes().setPath(path));
    }

    /**
     * Adds a blacklist or whitelist, or replaces the policy of the same name. This changes rules:
     * its device's ingress chain is refilled in the transaction (atomically), and its sets are
     * added, or their elements changed.
     */
    public CompletableFuture<Void> applyPolicy(Policy policy) {
        return submit(new Changes().applyPolicy(policy));
    }

    /** Removes a policy; removing one that does not exist does nothing. */
    public CompletableFuture<Void> removePolicy(String name) {
        return submit(new Changes().removePolicy(name));
    }

    /**
     * Adds networks to a policy: element operations on its set only (nothing is compiled), in
     * the next transaction.
     *
     * @throws IllegalArgumentException if there is no such policy
     * @throws InvalidFarmException if a network is invalid, already there, or overlaps one there
     */
    public CompletableFuture<Void> addNetworks(String policy, String... networks) {
        return submit(new Changes().addNetworks(policy, networks));
    }

    /**
     * Removes networks from a policy: element operations on its set only.
     *
     * @throws IllegalArgumentException if there is no such policy
     * @throws InvalidFarmException if a network is not one of the policy's, as written
     */
    public CompletableFuture<Void> removeNetworks(String policy, String... networks) {
        return submit(new Changes().removeNetworks(policy, networks));
    }

    /** The policies the kernel has now, in the order they were first applied. */
    public List<Policy> policies() {
        return committer.read(State::committedPolicies);
    }

    /** For people: what the data path does with a committed policy. */
    public Optional<String> explainPolicy(String name) {
        requireNonNull(name, "name");
        return committer.read(s -> s.explainPolicy(name));
    }

    /** The farms the kernel has now (changes not yet committed are not seen), in the order they were added. */
    public List<Farm> farms() {
        return committer.read(State::committedFarms);
    }

    /** The farm of this name as the kernel has it now. */
    public Optional<Farm> farm(String name) {
        requireNonNull(name, "name");
        return committer.read(s -> s.committedFarm(name));
    }

    /**
     * Stops taking changes, waits until those already made are committed (or have failed),
     * and closes the transport. The rules stay in the kernel. Calling it again does nothing.
     */
    @Override
    public void close() {
        committer.close();
    }

    /**
     * The conntrack mark of each backend of a committed farm: what identifies its connections
     * in conntrack (count them, or delete them, with the netlink module's {@code Conntrack}).
     *
     * @return empty if no such farm is committed
     */
    public Map<String, Long> marks(String farm) {
        return ids(farm).map(Ids::marks).orElse(Map.of());
    }

    /**
     * What the live connections of a committed farm carry now, per backend, read from the
     * kernel's connection tracking table (by the backends' conntrack marks). Only connections
     * that conntrack still tracks count: the numbers go down as connections end. Packets and
     * bytes count both directions, and only for connections that started while conntrack
     * accounting was on in the namespace ({@code sysctl net.netfilter.nf_conntrack_acct=1});
     * otherwise they are 0. A dump costs about 4 µs per tracked connection: for many farms,
     * {@link #counters()} reads them all from one.
     *
     * @throws IllegalArgumentException if there is no such farm
     * @throws UnsupportedOperationException if the transport cannot reach the connection
     *     tracking table (the netlink transport can)
     */
    public FarmCounters counters(String farm) {
        Map<String, Long> marks = marks(requireNonNull(farm, "farm"));
        if (marks.isEmpty() && farm(farm).isEmpty()) {
            throw new IllegalArgumentException("farm \"" + farm + "\" does not exist");
        }
        return FarmCounting.of(farm, marks, FarmCounting.table(transport).countersByMark());
    }

    /**
     * {@link #counters(String)} of every committed farm, from one dump of the connection tracking
     * table (an exporter that asks per farm would dump it once per farm).
     *
     * @return per farm name, in the order the farms were added
     * @throws UnsupportedOperationException if the transport cannot reach the connection
     *     tracking table (the netlink transport can)
     */
    public Map<String, FarmCounters> counters() {
        ConnectionTable table = FarmCounting.table(transport);
        Map<String, Map<String, Long>> marks = committer.read(s -> {
            Map<String, Map<String, Long>> all = new LinkedHashMap<>();
            for (Farm f : s.committedFarms()) {
                all.put(f.name(), s.committedIds(f.name()).map(Ids::marks).orElse(Map.of()));
            }
            return all;
        });
        Map<Long, Counters> byMark = table.countersByMark();
        Map<String, FarmCounters> out = new LinkedHashMap<>();
        marks.forEach((farm, backends) -> out.put(farm, FarmCounting.of(farm, backends, byMark)));
        return Collections.unmodifiableMap(out);
    }

    /** The clients the data path keeps on a backend by persistence, read from the kernel (see {@link PersistenceSessions}). */
    public PersistenceSessions persistenceSessions() {
        return new PersistenceSessions(transport, this::farm, this::marks, f -> committer.read(s -> s.committedPath(f)));
    }

    /** For people: what the data path does for a committed farm (chain, maps, marks, shares). */
    public Optional<String> explain(String farm) {
        return committer.read(s -> s.explain(farm));
    }

    /** The farm ids the runtime holds, committed or under way (tests check that none leaks). */
    Set<Integer> heldFarmIds() {
        return committer.read(State::heldFarmIds);
    }

    /** The ids a committed farm has in the data path (tests compare with a full compile). */
    Optional<Ids> ids(String farm) {
        return committer.read(s -> s.committedIds(farm));
    }

    /** Options of a load balancer; {@link #open()} starts it. */
    public static final class Builder {

        private final Transport transport;
        private Duration window = DEFAULT_WINDOW;
        private final List<CommitListener> listeners = new ArrayList<>();
        private List<Farm> farms = List.of();
        private Optional<Duration> driftCheck = Optional.empty();
        private boolean flushConnections;
        private List<DsrPath> paths = List.of();
        private List<Policy> policies = List.of();
        private TaskScheduler scheduler = TaskScheduler.system();

        private Builder(Transport transport) {
            this.transport = transport;
        }

        /**
         * How long the commit thread waits, after the first change of a burst, for more changes
         * to join the same transaction. Zero commits at once (changes made while a commit is
         * under way still go into the next one together).
         */
        public Builder coalesce(Duration value) {
            requireNonNull(value, "value");
            if (value.isNegative()) {
                throw new IllegalArgumentException("coalescing window must not be negative: " + value);
            }
            window = value;
            return this;
        }

        /**
         * The timer of drift checks and coalescing windows; {@link TaskScheduler#system()} by
         * default. Tests give a {@link io.nftlb.core.testing.FakeScheduler} to decide when
         * checks run and windows end.
         */
        public Builder scheduler(TaskScheduler value) {
            scheduler = requireNonNull(value, "scheduler");
            return this;
        }

        /** Adds a listener told about every transaction. */
        public Builder listener(CommitListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The farms to start with. Farms and backends the kernel's table already has keep their ids
         * and marks; new ones are numbered in this order. If the kernel's table is already exactly
         * what they compile to, {@link #open} adopts it without a commit; else it commits the
         * difference (see the class comment).
         */
        public Builder farms(Collection<Farm> value) {
            List<Farm> copy = List.copyOf(value);
            Set<String> names = new HashSet<>();
            for (Farm f : copy) {
                if (!names.add(f.name())) {
                    throw new IllegalArgumentException("farms: farm \"" + f.name() + "\" is given twice");
                }
            }
            farms = copy;
            return this;
        }

        /** The paths of the DSR and stateless dNAT farms (see {@link LoadBalancer#setPath}). */
        public Builder paths(Collection<DsrPath> value) {
            paths = List.copyOf(value);
            return this;
        }

        /** The policies to start with (see {@link LoadBalancer#applyPolicy}). */
        public Builder policies(Collection<Policy> value) {
            policies = List.copyOf(value);
            return this;
        }

        /**
         * Checks every {@code interval} that the kernel's table is still the one committed, and
         * repairs it if not (see the class comment). Needs a transport that reads tables back.
         * A check costs one small netlink round trip while no one else commits to nftables in
         * the namespace; otherwise it reads the whole table back, set elements included (the
         * kernel's element dump is quadratic: about 0.5 s for 100k elements), so pick an
         * interval well above that for large tables. Every commit then also reads the
         * generation before and after (two round trips of about 5 µs), which is how the check
         * knows the last change was its own.
         */
        public Builder driftCheck(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("drift check interval must be positive: " + interval);
            }
            driftCheck = Optional.of(interval);
            return this;
        }

        /**
         * Whether to delete the live connections of backends that are removed or set DOWN or OFF,
         * right after the commit (off by default; see the class comment). Needs a transport with a
         * connection table.
         */
        public Builder flushConnectionsOnRemoval(boolean value) {
            flushConnections = value;
            return this;
        }

        /**
         * Adopts or replaces the library's table (see the class comment) and starts.
         *
         * @throws IllegalArgumentException if a farm given to {@link #farms} is invalid, or an
         *     option needs what the transport cannot do; nothing reached the kernel then
         * @throws io.nftlb.core.transport.TransportException if the kernel refused; the
         *     transport is then still the caller's
         */
        public LoadBalancer open() {
            State state = new State();
            Committer committer = new Committer(transport, state,
                    new Settings(window, listeners, driftCheck, flushConnections, scheduler));
            Changes ingress = new Changes(); // before the farms, which need their paths
            paths.forEach(ingress::setPath);
            policies.forEach(ingress::applyPolicy);
            state.submit(ingress.list());
            committer.start(farms);
            return new LoadBalancer(committer, transport);
        }
    }
}
