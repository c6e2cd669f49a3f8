package io.nftlb.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Requests} made round after round on a thread of their own until {@link #stop()}: the
 * traffic that runs through a transition (a restart, a repair, a reload) while a test makes it,
 * with every request checked. Each round is the {@link Requests} as configured (its count, its
 * concurrency, its sources); the rounds' outcomes add up into one {@link Tally}.
 *
 * <pre>{@code
 * try (BackgroundRequests traffic = topology.client().tcp(VIP, 80).fromAllSourceAddresses()
 *         .count(1000).concurrency(16).inBackground()) {
 *     // ... restart, repair, reload ...
 *     Tally tally = traffic.stop();
 *     assertEquals(Map.of(), tally.failuresByReason());
 * }
 * }</pre>
 *
 * <p>Many short TCP connections leave many client ports in TIME_WAIT (a minute): give the client
 * several source addresses ({@link Topology.Builder#clientAddresses}) for a long run.
 */
public final class BackgroundRequests implements AutoCloseable {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final CompletableFuture<Tally> rounds = new CompletableFuture<>();

    BackgroundRequests(Requests requests) {
        Thread.ofPlatform().daemon().name("nftlbt-background-requests").start(() -> {
            try {
                Tally all = null;
                do {
                    Tally round = requests.run();
                    all = all == null ? round : all.plus(round);
                } while (!stop.get());
                rounds.complete(all);
            } catch (RuntimeException | Error e) {
                rounds.completeExceptionally(e);
            }
        });
    }

    /** Whether rounds are still being made (false once stopped, or if a round threw). */
    public boolean isRunning() {
        return !rounds.isDone();
    }

    /**
     * Finishes the round under way and returns what happened to every request of every round.
     *
     * @throws IllegalStateException if a round threw, or did not finish within 5 minutes
     */
    public Tally stop() {
        stop.set(true);
        try {
            return rounds.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("background requests failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("background requests did not stop within 5 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping background requests", e);
        }
    }

    /** Stops the rounds and waits for the one under way, ignoring its outcome. */
    @Override
    public void close() {
        stop.set(true);
        try {
            rounds.exceptionally(e -> null).get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to do: the thread is a daemon
        }
    }
}
