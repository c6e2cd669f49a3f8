package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.testing.FarmGen;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Drives a load balancer with {@link FarmGen} actions, through the call a user would make for
 * each (setWeight, setState, apply, remove), and keeps {@code farms} as what it should then hold.
 */
final class Driver {

    private Driver() {}

    static CompletableFuture<Void> perform(LoadBalancer lb, Map<String, Farm> farms, FarmGen.Action action) {
        switch (action) {
            case FarmGen.Reweight r when backend(farms, r.index(), r.backend()) != null -> {
                String b = backend(farms, r.index(), r.backend());
                action.apply(farms);
                return lb.setWeight("f" + r.index(), b, r.weight());
            }
            case FarmGen.SetState s when backend(farms, s.index(), s.backend()) != null -> {
                String b = backend(farms, s.index(), s.backend());
                action.apply(farms);
                return lb.setState("f" + s.index(), b, s.state());
            }
            default -> {
                Map<String, Farm> before = new HashMap<>(farms);
                action.apply(farms);
                CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
                for (String name : FarmGen.names()) {
                    Farm was = before.get(name);
                    Farm now = farms.get(name);
                    if (!Objects.equals(was, now)) {
                        last = now == null ? lb.remove(name) : lb.apply(now);
                    }
                }
                return last;
            }
        }
    }

    private static String backend(Map<String, Farm> farms, int index, int backend) {
        Farm f = farms.get("f" + index);
        return f == null || f.backends().isEmpty() ? null : f.backends().get(backend % f.backends().size()).name();
    }
}
