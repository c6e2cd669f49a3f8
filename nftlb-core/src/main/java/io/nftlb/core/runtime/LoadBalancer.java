package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.compile.Ids;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

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
 * <p><b>Start-up.</b> {@link #open} replaces the library's table ({@code inet nftlb}) with an
 * empty data path, atomically, so nothing stale from an earlier run survives.
 *
 * <p><b>Changes</b> are safe to make from any thread. Each is checked in the caller's thread
 * (an invalid one throws and changes nothing), then queued; the returned future completes
 * when the kernel has it, or exceptionally with the reason it does not (usually a
 * {@link io.nftlb.core.transport.TransportException}). Changes are committed in call order.
 * Those made while a commit is under way (and within an optional window, see
 * {@link Builder#coalesce}) go to the kernel together in one transaction, and all their
 * futures complete with its outcome: a lone change is committed at once, a burst from many
 * threads in few transactions. A weight or state change is a few element operations on shared
 * maps; the cost of a change does not grow with the number of farms.
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
 * <p>The futures complete on a thread of the load balancer's; dependent actions may call it
 * again and wait. {@link #close()} commits what is already queued, then closes the transport;
 * the rules stay in the kernel.
 */
public final class LoadBalancer implements AutoCloseable {

    /**
     * The default coalescing window: none. A lone change goes to the kernel at once (a fixed
     * window would add its length to every change's latency); changes that arrive during a
     * commit still go together into the next one.
     */
    public static final Duration DEFAULT_WINDOW = Duration.ZERO;

    private final Committer committer;

    private LoadBalancer(Committer committer) {
        this.committer = committer;
    }

    /**
     * Replaces the library's table with an empty data path and starts, with the default
     * options. The load balancer owns the transport from then on, and closes it.
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
        requireNonNull(farm, "farm");
        return committer.submit(farm.name(), current -> Optional.of(farm));
    }

    /** Removes a farm. Removing a farm that does not exist does nothing. */
    public CompletableFuture<Void> remove(String farm) {
        requireNonNull(farm, "farm");
        return committer.submit(farm, current -> Optional.empty());
    }

    /**
     * Sets a backend's state: only {@link BackendState#UP} backends take new connections.
     *
     * @throws IllegalArgumentException if there is no such farm or backend
     */
    public CompletableFuture<Void> setState(String farm, String backend, BackendState state) {
        requireNonNull(backend, "backend");
        requireNonNull(state, "state");
        return change(farm, f -> f.backend(backend, b -> b.state(state)));
    }

    /**
     * Sets a backend's weight (0 takes it out of scheduling).
     *
     * @throws IllegalArgumentException if there is no such farm or backend, or the weight is out of range
     */
    public CompletableFuture<Void> setWeight(String farm, String backend, int weight) {
        requireNonNull(backend, "backend");
        return change(farm, f -> f.backend(backend, b -> b.weight(weight)));
    }

    /**
     * Sets the weights of several backends of a farm at once (dynamic weights from an
     * estimator); backends not named keep theirs.
     *
     * @throws IllegalArgumentException if there is no such farm, a backend is unknown, or a weight is out of range
     */
    public CompletableFuture<Void> setWeights(String farm, Map<String, Integer> weights) {
        Map<String, Integer> copy = Map.copyOf(weights);
        return change(farm, f -> withWeights(f, copy));
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

    /** For people: what the data path does for a committed farm (chain, maps, marks, shares). */
    public Optional<String> explain(String farm) {
        return committer.read(s -> s.explain(farm));
    }

    /** The ids a committed farm has in the data path (tests compare with a full compile). */
    Optional<Ids> ids(String farm) {
        return committer.read(s -> s.committedIds(farm));
    }

    private CompletableFuture<Void> change(String farm, UnaryOperator<Farm> edit) {
        requireNonNull(farm, "farm");
        return committer.submit(farm, current -> Optional.of(edit.apply(current.orElseThrow(
                () -> new IllegalArgumentException("farm \"" + farm + "\" does not exist")))));
    }

    private static Farm withWeights(Farm farm, Map<String, Integer> weights) {
        Set<String> names = new HashSet<>();
        farm.backends().forEach(b -> names.add(b.name()));
        for (String name : weights.keySet()) {
            if (!names.contains(name)) {
                throw new InvalidFarmException("farm \"" + farm.name() + "\": has no backend \"" + name + "\"");
            }
        }
        List<Backend> backends = new ArrayList<>(farm.backends().size());
        for (Backend b : farm.backends()) {
            Integer w = weights.get(b.name());
            try {
                backends.add(w == null ? b : b.weight(w));
            } catch (InvalidFarmException e) {
                throw new InvalidFarmException("farm \"" + farm.name() + "\": " + e.getMessage());
            }
        }
        return farm.backends(backends);
    }

    /** Options of a load balancer; {@link #open()} starts it. */
    public static final class Builder {

        private final Transport transport;
        private Duration window = DEFAULT_WINDOW;
        private final List<CommitListener> listeners = new ArrayList<>();

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

        /** Adds a listener told about every transaction. */
        public Builder listener(CommitListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Replaces the library's table with an empty data path and starts.
         *
         * @throws io.nftlb.core.transport.TransportException if the kernel refused; the
         *     transport is then still the caller's
         */
        public LoadBalancer open() {
            State state = new State();
            Committer committer = new Committer(transport, state, window, listeners);
            committer.start(Planner.create(state.skeleton().table(List.of())));
            return new LoadBalancer(committer);
        }
    }
}
