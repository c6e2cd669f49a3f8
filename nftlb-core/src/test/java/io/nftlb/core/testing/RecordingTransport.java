package io.nftlb.core.testing;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Passes everything to another transport and records the transactions it committed. */
public final class RecordingTransport implements Transport {

    private final Transport delegate;
    private final List<Transaction> committed = new ArrayList<>();

    public RecordingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    @Override
    public void commit(Transaction transaction) {
        delegate.commit(transaction);
        synchronized (this) {
            committed.add(transaction);
        }
    }

    public synchronized Transaction lastCommitted() {
        return committed.get(committed.size() - 1);
    }

    @Override
    public Optional<Table> read(TableRef table) {
        return delegate.read(table);
    }

    @Override
    public long generation() {
        return delegate.generation();
    }

    @Override
    public Table readForm(Table table) {
        return delegate.readForm(table);
    }

    @Override
    public Optional<ConnectionTable> connections() {
        return delegate.connections();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
