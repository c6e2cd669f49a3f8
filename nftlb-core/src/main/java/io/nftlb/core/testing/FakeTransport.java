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
 * A transport for unit tests: records every transaction, applies the committed ones to a
 * {@link RulesetModel} (so a wrong order fails as the kernel would), can be told to fail the
 * next commits, and can hold commits until the test lets them go.
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

    /** Someone else changes the ruleset: applied to the model in a new generation, not recorded as a commit. */
    public synchronized void tamper(Transaction tx) {
        model.apply(tx);
        generation++;
    }

    /** Gives this transport a connection table. */
    public synchronized FakeTransport withConnections(ConnectionTable table) {
        connections = table;
        return this;
    }

    @Override
    public synchronized Optional<ConnectionTable> connections() {
        return Optional.ofNullable(connections);
    }

    /** The next commit fails with this (and applies nothing). */
    public synchronized FakeTransport failNext(RuntimeException failure) {
        failures.add(failure);
        return this;
    }

    /** The next commit fails as the kernel would with this errno. */
    public FakeTransport failNext(String errno) {
        return failNext(new TransportException("injected " + errno, errno, Optional.empty()));
    }

    /** Commits wait until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets held commits (and later ones) through. */
    public void release() {
        gate.countDown();
    }

    /** Waits until commit has been called {@code count} times in all (at most 10 s). */
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

    public synchronized List<Transaction> attempted() {
        return List.copyOf(attempted);
    }

    public synchronized List<Transaction> committed() {
        return List.copyOf(committed);
    }

    public synchronized Transaction lastCommitted() {
        return committed.get(committed.size() - 1);
    }

    public RulesetModel model() {
        return model;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized Optional<Table> read(TableRef table) {
        return model.table(table);
    }

    @Override
    public synchronized long generation() {
        return generation;
    }

    @Override
    public void close() {
        closed = true;
    }
}
