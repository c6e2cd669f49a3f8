package io.nftlb.daemon;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.Transport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A kernel that takes every transaction and keeps nothing: for tests of the API, not of the data path. */
final class NullKernel implements Transport {

    final AtomicInteger commits = new AtomicInteger();

    @Override
    public void commit(Transaction transaction) {
        commits.incrementAndGet();
    }

    @Override
    public Optional<Table> read(TableRef table) {
        return Optional.empty();
    }

    @Override
    public long generation() {
        return commits.get();
    }

    @Override
    public void close() {}
}
