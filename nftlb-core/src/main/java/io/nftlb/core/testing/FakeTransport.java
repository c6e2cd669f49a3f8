package io.nftlb.core.testing;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import io.nftlb.core.transport.TransportException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A transport for unit tests, with no kernel and no root: records every transaction, applies
 * the committed ones to a {@link RulesetModel} (so a wrong order fails as the kernel would),
 * can be told to fail the next commits with an errno ({@link #failNext(String)}), can hold
 * commits until the test lets them go ({@link #hold()}, {@link #release()}), and reads the
 * tables back ({@link #read(TableRef)}, {@link #text(TableRef)}).
 *
 * <pre>{@code
 * FakeTransport kernel = new FakeTransport();
 * kernel.commit(Planner.create(RulesetCompiler.compile(List.of(web))));
 * Table table = kernel.read(new TableRef(Family.INET, "nftlb")).orElseThrow();
 * kernel.failNext("ENOMEM");   // the next commit throws a TransportException with errno ENOMEM
 * }</pre>
 *
 * <p>Thread-safe: a runtime may commit from its own thread while the test inspects.
 */
public final class FakeTransport implements Transport {

    private final RulesetModel model = new RulesetModel();
    private final List<Transaction> attempted = new ArrayList<>();
    private final List<Transaction> committed = new ArrayList<>();
    private final Deque<RuntimeException> failures = new ArrayDeque<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean closed;
    private long generation;
    private ConnectionTable connections;

    /** An empty kernel: no tables, generation 0, no connection table. */
    public FakeTransport() {}

    /**
     * Records {@code tx}, waits while commits are held, then fails it if a failure was queued,
     * or applies it atomically to the model.
     *
     * @throws io.nftlb.core.transport.TransportException as the kernel would refuse it, or as queued
     */
    @Override
    public void commit(Transaction tx) {
        synchronized (this) {
            attempted.add(tx);
            notifyAll();
        }
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (this) {
            RuntimeException failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            model.apply(tx);
            committed.add(tx);
            generation++;
        }
    }

    /**
     * Someone else changes the ruleset: applied to the model in a new generation, not recorded
     * as a commit (to test drift detection).
     *
     * @param tx the change made behind the library's back
     */
    public synchronized void tamper(Transaction tx) {
        model.apply(tx);
        generation++;
    }

    /**
     * Gives this transport a connection table.
     *
     * @param table what {@link #connections()} returns from now on
     * @return this transport
     */
    public synchronized FakeTransport withConnections(ConnectionTable table) {
        connections = table;
        return this;
    }

    @Override
    public synchronized Optional<ConnectionTable> connections() {
        return Optional.ofNullable(connections);
    }

    /**
     * The next commit fails with this (and applies nothing). Calls queue up: each failure is
     * used by one commit.
     *
     * @param failure what the next commit throws
     * @return this transport
     */
    public synchronized FakeTransport failNext(RuntimeException failure) {
        failures.add(failure);
        return this;
    }

    /**
     * The next commit fails as the kernel would with this errno, as a {@link TransportException}.
     *
     * @param errno the errno's name, e.g. {@code ENOMEM} or {@code EBUSY}
     * @return this transport
     */
    public FakeTransport failNext(String errno) {
        return failNext(new TransportException("injected " + errno, errno, Optional.empty()));
    }

    /** Commits wait until {@link #release()}: to test what callers do while one is in flight. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets held commits (and later ones) through. */
    public void release() {
        gate.countDown();
    }

    /**
     * Waits until commit has been called {@code count} times in all (at most 10 s).
     *
     * @param count the number of calls to wait for
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError if it takes longer than 10 s
     */
    public synchronized void awaitAttempts(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (attempted.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("commit called " + attempted.size() + " times, not " + count);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** @return every transaction given to {@link #commit}, failed or not, in order */
    public synchronized List<Transaction> attempted() {
        return List.copyOf(attempted);
    }

    /** @return the transactions that were applied, in order */
    public synchronized List<Transaction> committed() {
        return List.copyOf(committed);
    }

    /**
     * @return the last transaction applied
     * @throws IndexOutOfBoundsException if none was
     */
    public synchronized Transaction lastCommitted() {
        return committed.get(committed.size() - 1);
    }

    /** @return the in-memory kernel the committed transactions were applied to */
    public RulesetModel model() {
        return model;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Reads a table back, in the model's canonical order (see {@link RulesetModel#table}).
     *
     * @param table the table's family and name
     * @return the table, or empty if there is none
     */
    @Override
    public synchronized Optional<Table> read(TableRef table) {
        return model.table(table);
    }

    /**
     * Reads a table back as nft text, in the model's canonical order: compare it with a golden
     * file or a text block for a readable diff.
     *
     * @param table the table's family and name
     * @return the table's text, or empty if there is none
     */
    public synchronized Optional<String> text(TableRef table) {
        return model.table(table).map(RulesetModel::text);
    }

    /** @return how many times the ruleset changed: commits and {@link #tamper}s */
    @Override
    public synchronized long generation() {
        return generation;
    }

    /** Marks the transport closed; it keeps working, so tests can check who closed it. */
    @Override
    public void close() {
        closed = true;
    }
}
