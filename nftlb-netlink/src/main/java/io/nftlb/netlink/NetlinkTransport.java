package io.nftlb.netlink;

import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.DynamicElements;
import io.nftlb.core.transport.Transport;
import io.nftlb.netlink.internal.lin.ReadForm;
import io.nftlb.netlink.internal.sys.NetlinkSocket;
import io.nftlb.netlink.internal.transport.BatchCommit;
import io.nftlb.netlink.internal.transport.DynamicSetAccess;
import io.nftlb.netlink.internal.transport.NamespaceDevices;
import io.nftlb.netlink.internal.transport.NftChannel;
import io.nftlb.netlink.internal.transport.RulesetReader;
import io.nftlb.netns.internal.Netns;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link Transport} that speaks nf_tables netlink directly (libmnl through JNA): every
 * {@link #commit} is one atomic kernel transaction, with an ACK on every message so that an
 * error names the operation it was about. One instance talks to one network namespace and is
 * used by one thread at a time.
 *
 * <pre>{@code
 * try (NetlinkTransport nl = NetlinkTransport.openInNamespace("lb")) {
 *     nl.commit(Transaction.of(ops));
 * }
 * }</pre>
 */
public final class NetlinkTransport implements Transport {

    // The work is done by parts that share one socket: the commit protocol (BatchCommit), the
    // readback (RulesetReader) and the lookups in the namespace (NamespaceDevices).
    private final NftChannel channel;
    private final NamespaceDevices namespace;
    private final RulesetReader reader;
    private final BatchCommit committer;
    /** Opened on first use; has its own socket, so it may be used while this transport commits. */
    private ConntrackTable connections; // guarded by this
    private DynamicSetAccess dynamicElements; // guarded by this

    private NetlinkTransport(NetlinkSocket socket, Optional<Path> netns) {
        this.channel = new NftChannel(socket);
        this.namespace = new NamespaceDevices(netns);
        this.reader = new RulesetReader(channel, namespace);
        this.committer = new BatchCommit(channel, reader, namespace);
    }

    /** Opens a transport in the caller's network namespace. */
    public static NetlinkTransport open() {
        return new NetlinkTransport(NetlinkSocket.open(Optional.empty()), Optional.empty());
    }

    /** Opens a transport in the named namespace ({@code /var/run/netns/NAME}, as {@code ip netns add}). */
    public static NetlinkTransport openInNamespace(String name) {
        return openInNamespace(Netns.named(name));
    }

    /** Opens a transport in the namespace at a handle path, e.g. {@code /proc/PID/ns/net}. */
    public static NetlinkTransport openInNamespace(Path handle) {
        return new NetlinkTransport(NetlinkSocket.open(Optional.of(handle)), Optional.of(handle));
    }

    @Override
    public void commit(Transaction tx) {
        committer.commit(tx);
    }

    @Override
    public long generation() {
        return channel.generation();
    }

    /**
     * Each rule linearized and decoded again, in memory, the way {@link #read} decodes the
     * kernel's: implied protocol matches dropped, values typed as the sets they come from.
     */
    @Override
    public Table readForm(Table table) {
        return ReadForm.of(table, namespace::ifindex);
    }

    @Override
    public synchronized Optional<ConnectionTable> connections() {
        if (connections == null) {
            connections = new ConntrackTable(namespace.handle());
        }
        return Optional.of(connections);
    }

    /** Opened on first use, on a socket of its own (see {@link DynamicSetAccess}). */
    @Override
    public synchronized Optional<DynamicElements> dynamicElements() {
        if (dynamicElements == null) {
            dynamicElements = new DynamicSetAccess(namespace.handle());
        }
        return Optional.of(dynamicElements);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A table is read in several dumps (sets, elements, rules, chains), which see one ruleset
     * generation each: a transaction committed between them could give rules that name a set the
     * earlier dump did not have. So the generation is read before and after, and a read that
     * spans a change (or fails to decode while one happened) is done again, up to five times.
     */
    @Override
    public Optional<Table> read(TableRef ref) {
        return reader.read(ref);
    }

    @Override
    public void close() {
        committer.close();
        channel.close();
        synchronized (this) {
            if (connections != null) {
                connections.close();
            }
            if (dynamicElements != null) {
                dynamicElements.close();
            }
        }
    }
}
