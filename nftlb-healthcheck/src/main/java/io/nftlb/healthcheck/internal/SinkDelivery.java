package io.nftlb.healthcheck.internal;

import io.nftlb.core.BackendState;
import io.nftlb.healthcheck.BackendStateSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports states and weights to the sink: the latest state of each backend, only when it
 * differs from what the sink has, at most once per coalescing window; weights when they differ
 * from the last ones the sink took. One call at a time, never under the lock: whichever thread
 * finds nothing being delivered delivers everything ready, so a farm update or a new estimate
 * never waits for the sink.
 *
 * <p>Everything below is guarded by {@link #lock}, including what the call in flight is about:
 * a backend forgotten while its state is being delivered is not recorded as delivered, so the
 * sink hears about it afresh if it comes back.
 */
public final class SinkDelivery {

    private static final Logger log = LoggerFactory.getLogger(SinkDelivery.class);

    /**
     * After the sink failed, the next attempt waits this many coalescing windows: a sink fails
     * when the runtime cannot commit, and retrying at the coalescing rate (50 ms by default)
     * would hammer a kernel or a lock that is already in trouble, while ten windows (half a
     * second by default) still repairs a transient failure quickly.
     */
    static final int RETRY_AFTER_WINDOWS = 10;

    private final BackendStateSink sink;
    private final MonitorTasks tasks;
    private final Duration coalesce;
    private final Object lock = new Object();

    /** States changed within the current window, by backend. */
    private final Map<BackendKey, BackendState> pending = new LinkedHashMap<>();
    /** States whose window has passed, waiting for the sink. */
    private final Map<BackendKey, BackendState> ready = new LinkedHashMap<>();
    /** The state the sink took last, by backend; absent means UP (backends start UP). */
    private final Map<BackendKey, BackendState> delivered = new HashMap<>();
    /** Estimated weights waiting for the sink, by farm. */
    private final Map<String, Map<String, Integer>> readyWeights = new LinkedHashMap<>();
    /** The weights the sink took last, by farm. */
    private final Map<String, Map<String, Integer>> reportedWeights = new HashMap<>();
    private final Set<String> weightsFailing = new HashSet<>();
    private boolean flushScheduled;
    private boolean delivering;
    /** The backend whose state is with the sink now; null when none or when it was forgotten meanwhile. */
    private BackendKey inFlight;
    private boolean statesFailing;
    private boolean closed;

    public SinkDelivery(BackendStateSink sink, MonitorTasks tasks, Duration coalesce) {
        this.sink = sink;
        this.tasks = tasks;
        this.coalesce = coalesce;
    }

    /** A backend's new state, for the sink at the end of the current window. */
    public void stateChanged(BackendKey key, BackendState state) {
        synchronized (lock) {
            pending.put(key, state);
            scheduleFlush(coalesce);
        }
    }

    /** Weights for a farm, for the sink now unless they are the ones it has. */
    public void weightsEstimated(String farm, Map<String, Integer> weights) {
        synchronized (lock) {
            if (weights.equals(reportedWeights.getOrDefault(farm, Map.of()))) {
                readyWeights.remove(farm);
                return;
            }
            readyWeights.put(farm, Map.copyOf(weights));
        }
        deliverReady();
    }

    /** The weights the sink took last for {@code farm} (empty before the first). */
    public Map<String, Integer> reportedWeights(String farm) {
        synchronized (lock) {
            return reportedWeights.getOrDefault(farm, Map.of());
        }
    }

    /** Drops everything about backends no longer watched: a backend added again starts afresh, UP. */
    public void forget(Set<BackendKey> keys) {
        synchronized (lock) {
            for (BackendKey key : keys) {
                pending.remove(key);
                ready.remove(key);
                delivered.remove(key);
                if (key.equals(inFlight)) {
                    inFlight = null;
                }
            }
        }
    }

    /** No retries from now on; what is pending still goes at the end of its window. */
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    private void scheduleFlush(Duration delay) {
        if (!flushScheduled) {
            flushScheduled = true;
            tasks.later(delay, this::flush);
        }
    }

    private void flush() {
        synchronized (lock) {
            flushScheduled = false;
            ready.putAll(pending);
            pending.clear();
        }
        deliverReady();
    }

    /** Delivers what is ready, one sink call at a time, unless another thread is already doing it. */
    private void deliverReady() {
        while (true) {
            Map.Entry<BackendKey, BackendState> state = null;
            Map.Entry<String, Map<String, Integer>> weights = null;
            synchronized (lock) {
                if (delivering) {
                    return;
                }
                state = takeState();
                if (state == null) {
                    weights = take(readyWeights);
                    if (weights == null) {
                        return;
                    }
                }
                delivering = true;
                inFlight = state == null ? null : state.getKey();
            }
            try {
                if (state != null) {
                    deliverState(state.getKey(), state.getValue());
                } else {
                    deliverWeights(weights.getKey(), weights.getValue());
                }
            } catch (Error e) { // a sink that threw an Error: others may deliver after it
                synchronized (lock) {
                    delivering = false;
                    inFlight = null;
                }
                throw e;
            }
        }
    }

    /** The next ready state the sink does not have yet; the ones it has are dropped. */
    private Map.Entry<BackendKey, BackendState> takeState() {
        for (var e = take(ready); e != null; e = take(ready)) {
            if (e.getValue() != delivered.getOrDefault(e.getKey(), BackendState.UP)) {
                return e;
            }
        }
        return null;
    }

    /** Removes and returns the first entry of {@code map}, or null when it is empty. */
    private static <K, V> Map.Entry<K, V> take(Map<K, V> map) {
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        Map.Entry<K, V> first = it.next();
        Map.Entry<K, V> taken = Map.entry(first.getKey(), first.getValue());
        it.remove();
        return taken;
    }

    private void deliverState(BackendKey key, BackendState state) {
        RuntimeException failure = null;
        try {
            sink.stateChanged(key.farm(), key.backend(), state);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean firstFailure;
        synchronized (lock) {
            delivering = false;
            boolean stillWatched = key.equals(inFlight);
            inFlight = null;
            firstFailure = failure != null && !statesFailing;
            statesFailing = failure != null;
            if (failure == null) {
                if (stillWatched) {
                    delivered.put(key, state);
                }
            } else if (stillWatched) {
                pending.putIfAbsent(key, state); // a newer state that arrived meanwhile wins
                if (!closed) {
                    scheduleFlush(coalesce.multipliedBy(RETRY_AFTER_WINDOWS));
                }
            }
        }
        if (firstFailure) {
            log.warn("sink {} failed on {} {}; will retry", sink, key, state, failure);
        }
    }

    private void deliverWeights(String farm, Map<String, Integer> weights) {
        RuntimeException failure = null;
        try {
            sink.weightsChanged(farm, weights);
        } catch (RuntimeException e) {
            failure = e; // not recorded as reported, so the next estimate offers them again
        }
        boolean firstFailure;
        synchronized (lock) {
            delivering = false;
            if (failure == null) {
                reportedWeights.put(farm, weights);
                weightsFailing.remove(farm);
                firstFailure = false;
            } else {
                firstFailure = weightsFailing.add(farm);
            }
        }
        if (firstFailure) {
            log.warn("sink {} failed on weights of farm {}; will retry", sink, farm, failure);
        }
    }
}
