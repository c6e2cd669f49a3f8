package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.Transport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The daemon's state: the nftlb configuration as it was given (what the API reads back) and the
 * load balancer that holds its farms in the kernel. Each change edits a copy of the
 * configuration, maps all of it (so an unsupported or malformed change is refused whole, before
 * anything reaches the kernel) and applies only the farms, paths and policies that changed, in
 * one transaction; the configuration is kept only once the kernel has them.
 */
public final class Daemon implements AutoCloseable {

    private final LoadBalancer lb;
    private final DeviceFinder devices;
    private ObjectNode config = ConfigEdits.empty();
    private Map<String, Farm> applied = new LinkedHashMap<>();
    private Map<String, DsrPath> paths = Map.of();
    private Map<String, Policy> policies = Map.of();
    private FarmMemo memo = FarmMemo.EMPTY;
    private Map<String, Integer> marks = Map.of();

    private Daemon(LoadBalancer lb, DeviceFinder devices) {
        this.lb = lb;
        this.devices = devices;
    }

    /**
     * Starts on a transport (owned from then on) with an initial configuration.
     *
     * @throws UnsupportedFieldsException if the configuration uses unsupported fields; nothing is applied
     * @throws ConfigException if it is malformed; nothing is applied
     */
    public static Daemon start(Transport transport, JsonNode initial) {
        return start(transport, initial, DeviceFinder.none());
    }

    /**
     * Starts on a transport (owned from then on) with an initial configuration; the policies of
     * a farm that does not name its device ({@code iface}) are enforced on the one
     * {@code devices} finds for its virtual address.
     *
     * @throws UnsupportedFieldsException if the configuration uses unsupported fields; nothing is applied
     * @throws ConfigException if it is malformed; nothing is applied
     */
    public static Daemon start(Transport transport, JsonNode initial, DeviceFinder devices) {
        return start(transport, initial, devices, Optional.empty());
    }

    /**
     * {@link #start(Transport, JsonNode, DeviceFinder)}, and with a {@code driftCheck} interval
     * the load balancer puts its tables back when something else changed or deleted them (see
     * {@link LoadBalancer.Builder#driftCheck}).
     *
     * @throws UnsupportedFieldsException if the configuration uses unsupported fields; nothing is applied
     * @throws ConfigException if it is malformed; nothing is applied
     */
    public static Daemon start(Transport transport, JsonNode initial, DeviceFinder devices,
                               Optional<Duration> driftCheck) {
        return start(transport, initial, devices, driftCheck, List.of());
    }

    /**
     * {@link #start(Transport, JsonNode, DeviceFinder, Optional)} with listeners of the load
     * balancer's commits (metrics, logs), told from its start-up transaction on.
     */
    static Daemon start(Transport transport, JsonNode initial, DeviceFinder devices, Optional<Duration> driftCheck,
                        List<CommitListener> listeners) {
        ObjectNode first = ConfigEdits.empty();
        ConfigEdits.merge(first, initial);
        // Mapped whole first: a bad configuration is refused before anything reaches the kernel.
        FarmMemo.Builder memo = new FarmMemo.Builder(first);
        ConfigMapper.Mapped mapped = ConfigMapper.mapAll(first, devices, FarmMemo.EMPTY, memo);
        // The load balancer starts with the configuration's farms, paths and policies: its first
        // transaction converges the kernel's tables to them (after a restart, only what differs),
        // so a restarted daemon never leaves its services without their rules in between.
        LoadBalancer.Builder builder = LoadBalancer.builder(transport).farms(mapped.farms())
                .paths(mapped.paths().values()).policies(mapped.policies().values());
        driftCheck.ifPresent(builder::driftCheck);
        listeners.forEach(builder::listener);
        Daemon daemon = new Daemon(builder.open(), devices);
        daemon.config = first;
        mapped.farms().forEach(f -> daemon.applied.put(f.name(), f));
        daemon.paths = mapped.paths();
        daemon.policies = mapped.policies();
        daemon.memo = memo.build();
        daemon.marks = BackendMarks.next(Map.of(), first);
        return daemon;
    }

    /**
     * Edits the configuration and makes the kernel match it. The edit must replace the objects
     * it changes rather than modify them (as {@link ConfigEdits} does): an object that is the
     * same instance as before is taken as unchanged.
     *
     * @throws UnsupportedFieldsException, ConfigException before anything is applied
     * @throws CompletionException if the kernel refused the change (the configuration is unchanged)
     */
    synchronized void change(Consumer<ObjectNode> edit) {
        // The edit gets new lists of the same objects and replaces those it changes (as
        // ConfigEdits does): the farms it did not touch are the same objects, and are not mapped again.
        ObjectNode next = ConfigEdits.shallowCopy(config);
        edit.accept(next);
        FarmMemo.Builder nextMemo = new FarmMemo.Builder(next);
        ConfigMapper.Mapped mapped = ConfigMapper.mapAll(next, devices, memo, nextMemo);
        Map<String, Farm> wanted = new LinkedHashMap<>();
        mapped.farms().forEach(f -> wanted.put(f.name(), f));
        // One transaction for the whole request, farms, paths and policies: the kernel never sees
        // half of it, and a refused request leaves the kernel as it was. The load balancer makes
        // the paths and policies first (a farm at ingress needs its path); removals of farms go
        // before additions, so that a farm may take over the address of one removed by the same
        // request.
        lb.update(changes -> {
            mapped.paths().forEach((name, path) -> {
                if (!same(path, paths.get(name))) {
                    changes.setPath(path);
                }
            });
            policies.keySet().stream().filter(name -> !mapped.policies().containsKey(name))
                    .forEach(changes::removePolicy);
            mapped.policies().values().stream().filter(p -> !same(p, policies.get(p.name())))
                    .forEach(changes::applyPolicy);
            applied.keySet().stream().filter(name -> !wanted.containsKey(name)).forEach(changes::remove);
            wanted.values().stream().filter(f -> !same(f, applied.get(f.name()))).forEach(changes::apply);
        }).join();
        config = next;
        applied = wanted;
        paths = mapped.paths();
        policies = mapped.policies();
        memo = nextMemo.build();
        marks = BackendMarks.next(marks, next);
    }

    /** Equal; a farm that was not mapped again is the same instance, which answers at once. */
    private static boolean same(Object a, Object b) {
        return a == b || a.equals(b);
    }

    /** A copy of the configuration as given (fields as posted, not defaults). */
    synchronized ObjectNode config() {
        return config.deepCopy();
    }

    /** The configuration as nftlb's GET shows it, with defaults and each backend's mark. */
    synchronized NftlbView view() {
        return new NftlbView(config.deepCopy(), marks);
    }

    /** The farms in the kernel now. */
    public synchronized List<Farm> farms() {
        return List.copyOf(applied.values());
    }

    /** The farms' dynamic sessions (their persistence entries in the kernel). */
    DynamicSessions dynamicSessions() {
        return new DynamicSessions(lb);
    }

    /** The load balancer that holds the farms (for metrics and the status view). */
    LoadBalancer loadBalancer() {
        return lb;
    }

    /** Leaves the rules in the kernel and closes the transport. */
    @Override
    public void close() {
        lb.close();
    }
}
