package io.nftlb.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nftlb.core.render.NftText;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.runtime.PersistenceSessions;
import java.util.List;

/**
 * nftlb's dynamic sessions: the clients a farm's persistence has recorded in the kernel, read
 * and forgotten through the load balancer ({@link PersistenceSessions}). A farm that is not in
 * the kernel (its state is down, or its fields were refused) has none, and a transport that
 * cannot read the data path's own elements (a test's in-memory kernel) shows none.
 */
final class DynamicSessions {

    /** nftlb's backend of a session whose mark is no longer one of the farm's backends. */
    static final String UNDEFINED = "UNDEFINED";

    private final LoadBalancer lb;

    DynamicSessions(LoadBalancer lb) {
        this.lb = lb;
    }

    /** As nftlb lists them after the static ones: client, backend, expiration (nft's text of the time left). */
    ArrayNode list(String farm) {
        ArrayNode out = ConfigMapper.JSON.createArrayNode();
        for (PersistenceSessions.Session s : sessions(farm)) {
            out.addObject().put("client", s.client()).put("backend", s.backend().orElse(UNDEFINED))
                    .put("expiration", NftText.duration(s.expiresIn()));
        }
        return out;
    }

    /** Forgets the clients kept on a backend; nothing if the farm is not in the kernel. */
    void forgetBackend(String farm, String backend) {
        try {
            lb.persistenceSessions().forget(farm, backend);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // not in the kernel, or nothing to read it with: no dynamic sessions to forget
        }
    }

    /** Forgets one client; whether the kernel remembered it. */
    boolean forgetClient(String farm, String client) {
        try {
            return lb.persistenceSessions().forgetClient(farm, client);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }

    private List<PersistenceSessions.Session> sessions(String farm) {
        try {
            return lb.persistenceSessions().of(farm);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return List.of();
        }
    }
}
