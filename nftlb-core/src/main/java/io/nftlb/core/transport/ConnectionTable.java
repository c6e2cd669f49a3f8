package io.nftlb.core.transport;

import java.util.Map;

/**
 * The kernel's connection tracking table, as far as a load balancer needs it: its backends are
 * known there by their conntrack mark. Implementations are safe to call from any thread.
 */
public interface ConnectionTable {

    /**
     * Deletes every tracked connection whose conntrack mark is {@code mark}. The next packet of
     * such a connection is a new connection to the data path: it is scheduled again, and a
     * backend that does not know it answers TCP with a reset.
     *
     * @return how many connections carried the mark just before
     */
    long deleteByMark(long mark);

    /**
     * What the tracked connections carry now, summed per conntrack mark. These are live
     * connections only: a connection that has ended is no longer counted, so the sums can go
     * down. Packets and bytes are zero unless conntrack accounting is on in the namespace
     * ({@code net.netfilter.nf_conntrack_acct=1} when the connection started).
     */
    Map<Long, Counters> countersByMark();

    /**
     * Totals over some tracked connections.
     *
     * @param connections how many
     * @param packets packets in both directions (client to backend and back)
     * @param bytes bytes of those packets, from the network header on
     */
    record Counters(long connections, long packets, long bytes) {

        /** No connections. */
        public static final Counters NONE = new Counters(0, 0, 0);

        /** Both totals added up. */
        public Counters plus(Counters other) {
            return new Counters(connections + other.connections, packets + other.packets, bytes + other.bytes);
        }
    }
}
