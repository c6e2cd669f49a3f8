package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The changes of one {@link LoadBalancer#update} call: they go to the kernel in one
 * transaction, or not at all. Each applies on top of the ones before it (a farm applied here
 * can have its weights set next). They are checked when {@code update} submits them, in the
 * caller's thread: if one is invalid, {@code update} throws and none of them is made.
 *
 * <p>Changes of the netdev table ({@link #setPath}, {@link #applyPolicy}, {@link #removePolicy})
 * join the same transaction, and are made before the farm changes whatever the order of the
 * calls (a DSR farm needs its path first). If a commit before them fails, the changes queued
 * behind it are applied again, the netdev table's apart from the farms'; changes made one
 * {@code update} at a time, each waited for, never queue behind another.
 */
public final class Changes {

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<IngressChange> ingress = new ArrayList<>();
    private boolean submitted;

    Changes() {}

    /** Adds a farm, or replaces the farm of the same name. */
    public Changes apply(Farm farm) {
        requireNonNull(farm, "farm");
        return add(farm.name(), current -> Optional.of(farm));
    }

    /** Removes a farm. Removing a farm that does not exist does nothing. */
    public Changes remove(String farm) {
        return add(requireNonNull(farm, "farm"), current -> Optional.empty());
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
        return addIngress("path of farm \"" + path.farm() + "\"", new IngressChange(w -> w.withPath(path),
                Optional.empty(), Optional.of(path.farm()), done));
    }

    /** Adds a policy, or replaces the one of the same name, as {@link LoadBalancer#applyPolicy} does. */
    public Changes applyPolicy(Policy policy) {
        requireNonNull(policy, "policy");
        return addIngress("policy \"" + policy.name() + "\"", new IngressChange(
                w -> w.withPolicies(p -> p.put(policy.name(), policy)), Optional.empty(), Optional.empty(), done));
    }

    /** Removes a policy; removing one that does not exist does nothing. */
    public Changes removePolicy(String name) {
        requireNonNull(name, "name");
        return addIngress("policy \"" + name + "\"", new IngressChange(w -> w.withPolicies(p -> p.remove(name)),
                Optional.empty(), Optional.empty(), done));
    }

    /** The netdev table's changes made, sharing the group's future; no more can be made after. */
    List<IngressChange> ingressList() {
        submitted = true;
        return List.copyOf(ingress);
    }

    /** The future the group's changes share. */
    CompletableFuture<Void> done() {
        return done;
    }

    private Changes addIngress(String what, IngressChange change) {
        if (submitted) {
            throw new IllegalStateException("change to " + what + " made after its update was submitted");
        }
        ingress.add(change);
        return this;
    }

    /** The changes made, sharing one future (how the runtime keeps a group together); no more can be made after. */
    List<Change> list() {
        submitted = true;
        return List.copyOf(changes);
    }

    private Changes edit(String farm, UnaryOperator<Farm> edit) {
        requireNonNull(farm, "farm");
        return add(farm, current -> Optional.of(edit.apply(current.orElseThrow(
                () -> new IllegalArgumentException("farm \"" + farm + "\" does not exist")))));
    }

    private Changes add(String farm, UnaryOperator<Optional<Farm>> edit) {
        if (submitted) {
            // Kept past its update call, a change would be lost silently.
            throw new IllegalStateException("changes to farm \"" + farm + "\" made after their update was submitted");
        }
        changes.add(new Change(farm, edit, done));
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
