package io.nftlb.core.runtime;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which backends a batch takes out of service, by conntrack mark: those whose connections a flush deletes. */
final class LeavingMarks {

    private LeavingMarks() {}

    /**
     * The conntrack marks of the backends that {@code batch} takes out of service: removed
     * (with their farm or alone), or set {@link BackendState#DOWN DOWN} or
     * {@link BackendState#OFF OFF} from a state that was neither. A backend that drains keeps
     * its connections, so it is not here.
     *
     * @param committed the farms the kernel has before the batch
     */
    static List<Long> of(Batch batch, Map<String, FarmEntry> committed) {
        List<Long> marks = new ArrayList<>();
        batch.farms().forEach((name, update) -> {
            FarmEntry before = committed.get(name);
            if (before == null) {
                return;
            }
            Map<String, Backend> now = new HashMap<>();
            update.entry().ifPresent(e -> e.farm().backends().forEach(b -> now.put(b.name(), b)));
            for (Backend b : before.farm().backends()) {
                long mark = before.ids().mark(b.name());
                Backend next = now.get(b.name());
                boolean removed = next == null || update.entry().get().ids().mark(b.name()) != mark;
                if (removed || (!stopped(b.state()) && stopped(next.state()))) {
                    marks.add(mark);
                }
            }
        });
        return marks;
    }

    private static boolean stopped(BackendState s) {
        return s == BackendState.DOWN || s == BackendState.OFF;
    }
}
