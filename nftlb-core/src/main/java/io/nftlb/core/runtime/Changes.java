package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The changes of one {@link LoadBalancer#update} call, to farms, policies and paths alike: they
 * go to the kernel in one transaction, or not at all. Each applies on top of the ones before it
 * (a farm applied here can have its weights set next). They are checked when {@code update}
 * submits them, in the caller's thread: if one is invalid, {@code update} throws and none of
 * them is made.
 *
 * <p>Changes of the policies and paths ({@link #setPath}, {@link #applyPolicy},
 * {@link #removePolicy}, {@link #addNetworks}, {@link #removeNetworks}) are made before the farm
 * changes whatever the order of the calls (a DSR farm needs its path first). If a commit before
 * them fails, the changes queued behind it are applied again as one group, or fail as one.
 */
public final class Changes {

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Change> ingress = new ArrayList<>();
    private final List<Change> farms = new ArrayList<>();
    private boolean submitted;

    Changes() {}

    /** Adds a farm, or replaces the farm of the same name. */
    public Changes apply(Farm farm) {
        requireNonNull(farm, "farm");
        return farm(farm.name(), current -> Optional.of(farm));
    }

    /** Removes a farm. Removing a farm that does not exist does nothing. */
    public Changes remove(String farm) {
        return farm(requireNonNull(farm, "farm"), current -> Optional.empty());
    }

    /** Sets a backend's state; {@code update} throws if there is no such farm or backend. */
    public Changes setState(String farm, String backend, BackendState state) {
        requireNonNull(backend, "backend");
        requireNonNull(state, "state");
        return edit(farm, f -> f.backend(backend, b -> b.state(state)));
    }

    /**
     * Sets a backend's weight; {@code update} throws if there is no such farm or backend, or the
     * weight is out of range.
     */
    public Changes setWeight(String farm, String backend, int weight) {
        requireNonNull(backend, "backend");
        return edit(farm, f -> f.backend(backend, b -> b.weight(weight)));
    }

    /** Sets the weights of several backends of a farm; backends not named keep theirs. */
    Changes setWeights(String farm, Map<String, Integer> weights) {
        Map<String, Integer> copy = Map.copyOf(weights);
        return edit(farm, f -> withWeights(f, copy));
    }

    /** Gives the link layer of a DSR or stateless dNAT farm, as {@link LoadBalancer#setPath} does. */
    public Changes setPath(DsrPath path) {
        requireNonNull(path, "path");
        return ingress("path of farm \"" + path.farm() + "\"",
                new Edit.OfIngress(w -> w.withPath(path), Optional.empty(), Optional.of(path.farm())));
    }

    /** Adds a policy, or replaces the one of the same name, as {@link LoadBalancer#applyPolicy} does. */
    public Changes applyPolicy(Policy policy) {
        requireNonNull(policy, "policy");
        return ingress("policy \"" + policy.name() + "\"",
                Edit.OfIngress.policies(w -> w.withPolicies(p -> p.put(policy.name(), policy))));
    }

    /** Removes a policy; removing one that does not exist does nothing. */
    public Changes removePolicy(String name) {
        requireNonNull(name, "name");
        return ingress("policy \"" + name + "\"", Edit.OfIngress.policies(w -> w.withPolicies(p -> p.remove(name))));
    }

    /**
     * Adds networks to a policy, as {@link LoadBalancer#addNetworks} does; {@code update} throws
     * if there is no such policy, or a network is invalid, already there or overlaps one there.
     */
    public Changes addNetworks(String policy, String... networks) {
        List<Network> added = Arrays.stream(networks).map(Network::parse).toList();
        return members(policy, p -> p.networks(added), new Edit.Members(policy, added, true));
    }

    /**
     * Removes networks from a policy, as {@link LoadBalancer#removeNetworks} does; {@code update}
     * throws if there is no such policy, or a network is not one of the policy's, as written.
     */
    public Changes removeNetworks(String policy, String... networks) {
        List<Network> gone = Arrays.stream(networks).map(Network::parse).toList();
        return members(policy, p -> p.withoutNetworks(gone), new Edit.Members(policy, gone, false));
    }

    /**
     * The changes made, policies and paths first, all sharing one future (how the runtime keeps
     * a group together); no more can be made after.
     */
    List<Change> list() {
        submitted = true;
        List<Change> all = new ArrayList<>(ingress);
        all.addAll(farms);
        return all;
    }

    /** The future the group's changes share. */
    CompletableFuture<Void> done() {
        return done;
    }

    private Changes members(String policy, UnaryOperator<Policy> edit, Edit.Members members) {
        requireNonNull(policy, "policy");
        UnaryOperator<IngressWanted> apply = w -> w.withPolicies(p -> {
            Policy before = p.get(policy);
            if (before == null) {
                throw new IllegalArgumentException("policy \"" + policy + "\" does not exist");
            }
            p.put(policy, edit.apply(before)); // checks the networks against the members there
        });
        return ingress("policy \"" + policy + "\"", new Edit.OfIngress(apply, Optional.of(members), Optional.empty()));
    }

    private Changes edit(String farm, UnaryOperator<Farm> edit) {
        requireNonNull(farm, "farm");
        return farm(farm, current -> Optional.of(edit.apply(current.orElseThrow(
                () -> new IllegalArgumentException("farm \"" + farm + "\" does not exist")))));
    }

    private Changes farm(String farm, UnaryOperator<Optional<Farm>> edit) {
        return add(farms, () -> "farm \"" + farm + "\"", new Edit.OfFarm(farm, edit));
    }

    private Changes ingress(String what, Edit.OfIngress edit) {
        return add(ingress, () -> what, edit);
    }

    /** @param what names what the change is to, for the error (made only then: single calls go through here) */
    private Changes add(List<Change> to, Supplier<String> what, Edit edit) {
        if (submitted) {
            // Kept past its update call, a change would be lost silently.
            throw new IllegalStateException("change to " + what.get() + " made after its update was submitted");
        }
        to.add(new Change(edit, done));
        return this;
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
}
