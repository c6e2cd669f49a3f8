package io.nftlb.core.runtime;

import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.core.transport.Transport;
import java.util.HashMap;
import java.util.Map;

/** A farm's {@link FarmCounters} from the connection tracking table's counters by mark. */
final class FarmCounting {

    private FarmCounting() {}

    /** @throws UnsupportedOperationException if the transport cannot reach the connection tracking table */
    static ConnectionTable table(Transport transport) {
        return transport.connections().orElseThrow(() -> new UnsupportedOperationException(
                "transport " + transport + " has no connection table (the netlink transport has one)"));
    }

    /** @param marks the farm's backends' marks */
    static FarmCounters of(String farm, Map<String, Long> marks, Map<Long, Counters> byMark) {
        Map<String, Counters> backends = new HashMap<>();
        Counters total = Counters.NONE;
        for (Map.Entry<String, Long> e : marks.entrySet()) {
            Counters c = byMark.getOrDefault(e.getValue(), Counters.NONE);
            backends.put(e.getKey(), c);
            total = total.plus(c);
        }
        return new FarmCounters(farm, total, backends);
    }
}
