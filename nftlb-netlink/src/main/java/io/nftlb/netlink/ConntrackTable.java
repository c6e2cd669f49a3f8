package io.nftlb.netlink;

import io.nftlb.core.transport.ConnectionTable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link NetlinkTransport}'s connection table: {@link Conntrack} in the transport's namespace,
 * opened on first use and serialized, so the load balancer's commit thread (deleting a removed
 * backend's connections) and its callers (reading counters) can share it.
 */
final class ConntrackTable implements ConnectionTable, AutoCloseable {

    private final Optional<Path> netns;
    private Conntrack conntrack; // guarded by this

    ConntrackTable(Optional<Path> netns) {
        this.netns = netns;
    }

    @Override
    public synchronized long deleteByMark(long mark) {
        return conntrack().deleteByMark(mark);
    }

    @Override
    public synchronized Map<Long, Counters> countersByMark() {
        Map<Long, Counters> out = new HashMap<>();
        conntrack().countersByMark().forEach((mark, c) -> out.put(mark,
                new Counters(c.connections(), c.packets(), c.bytes())));
        return out;
    }

    private Conntrack conntrack() {
        if (conntrack == null) {
            conntrack = netns.map(Conntrack::openInNamespace).orElseGet(Conntrack::open);
        }
        return conntrack;
    }

    @Override
    public synchronized void close() {
        if (conntrack != null) {
            conntrack.close();
            conntrack = null;
        }
    }
}
