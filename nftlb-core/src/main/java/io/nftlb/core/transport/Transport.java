package io.nftlb.core.transport;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
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

    /**
     * The table as {@link #read} returns it once committed. A readback is decoded from what the
     * kernel holds, which drops details that do not change what the data path does (as nft
     * does, e.g. a protocol match a payload match implies), so compare a readback with this
     * form of the table that was committed, not with the table itself. The default returns the
     * table unchanged.
     */
    default Table readForm(Table table) {
        return table;
    }

    /**
     * The connection tracking table of this transport's namespace, if the transport can reach
     * it (for counters per backend, and to drop a removed backend's connections). Safe to call
     * from any thread, like the table it returns.
     */
    default Optional<ConnectionTable> connections() {
        return Optional.empty();
    }

    /**
     * The elements the data path adds to sets by itself (persistence), if the transport can
     * read them with their expiration and delete them (the netlink transport can). Safe to call
     * from any thread, like what it returns.
     */
    default Optional<DynamicElements> dynamicElements() {
        return Optional.empty();
    }

    @Override
    void close();
}
