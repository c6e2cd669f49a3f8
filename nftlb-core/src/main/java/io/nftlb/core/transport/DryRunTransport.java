package io.nftlb.core.transport;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A transport that reads the kernel through another one but commits nothing: each transaction
 * is recorded instead of sent, and reported as applied. A load balancer over it shows what it
 * would commit, without changing anything, against what the kernel has now: the start-up
 * transaction of a configuration, or the transaction of a change.
 *
 * <pre>{@code
 * DryRunTransport dry = DryRunTransport.over(NetlinkTransport.open());
 * try (LoadBalancer lb = LoadBalancer.builder(dry).farms(lbFarmsNow).open()) { // adopts the kernel's table
 *     lb.setWeight("web", "b1", 5).join();                                   // recorded, not sent
 * }
 * dry.transactions().forEach(tx -> System.out.print(NftText.render(tx)));
 * }</pre>
 *
 * <p>Reads see the kernel as it is, never the recorded transactions: it shows one step from the
 * kernel's current state (the changes made through it are planned on top of each other, as the
 * load balancer plans them, but the kernel is not read again in between). Closing it closes the
 * transport it reads through. Thread-safe if that transport is.
 */
public final class DryRunTransport implements Transport {

    private final Transport kernel;
    private final List<Transaction> recorded = new ArrayList<>();

    private DryRunTransport(Transport kernel) {
        this.kernel = kernel;
    }

    /** Reads through {@code kernel} (owned from then on), commits nothing. */
    public static DryRunTransport over(Transport kernel) {
        return new DryRunTransport(requireNonNull(kernel, "kernel"));
    }

    /** Records the transaction; the kernel does not see it. */
    @Override
    public synchronized void commit(Transaction transaction) {
        recorded.add(requireNonNull(transaction, "transaction"));
    }

    /** The transactions that would have been committed, in order. */
    public synchronized List<Transaction> transactions() {
        return List.copyOf(recorded);
    }

    @Override
    public Optional<Table> read(TableRef table) {
        return kernel.read(table);
    }

    @Override
    public long generation() {
        return kernel.generation();
    }

    @Override
    public Table readForm(Table table) {
        return kernel.readForm(table);
    }

    /** None: a dry run deletes no connections. */
    @Override
    public Optional<ConnectionTable> connections() {
        return Optional.empty();
    }

    @Override
    public void close() {
        kernel.close();
    }

    @Override
    public String toString() {
        return "dry run over " + kernel;
    }
}
