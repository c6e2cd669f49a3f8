package io.nftlb.core.transport;

import io.nftlb.core.ast.Table;
import java.util.Optional;

/**
 * Where transactions go: the kernel through netlink, or the {@code nft} command. One
 * transport talks to one network namespace. Implementations are not required to be
 * thread-safe; the runtime serializes calls.
 */
public interface Transport extends AutoCloseable {

    /**
     * Applies the transaction atomically.
     *
     * @throws TransportException if the kernel rejected it; nothing was applied then
     */
    void commit(Transaction transaction);

    /**
     * Reads a table back from the kernel, with its sets (and their elements), objects,
     * flowtables and chains (and their rules), decoded to the same AST the compiler builds.
     *
     * @return empty if the table does not exist
     */
    Optional<Table> read(TableRef table);

    /** The kernel's current ruleset generation (changes with every committed transaction). */
    long generation();

    @Override
    void close();
}
