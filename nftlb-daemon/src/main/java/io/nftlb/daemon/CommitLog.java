package io.nftlb.daemon;

import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.CommitReport;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A DEBUG line per transaction the load balancer commits (or the kernel refuses: warned elsewhere). */
final class CommitLog implements CommitListener {

    private static final Logger log = LoggerFactory.getLogger(CommitLog.class);

    @Override
    public void measured(CommitReport r) {
        if (log.isDebugEnabled()) {
            log.debug("{} transaction: {} operation(s), {} element(s), {} change(s), {} µs ({} µs in the transport){}",
                    r.cause().name().toLowerCase(Locale.ROOT).replace('_', '-'), r.operations(), r.elements(),
                    r.changes(), r.latency().toNanos() / 1000, r.transport().toNanos() / 1000,
                    r.succeeded() ? "" : ", refused: " + r.errno().orElse("") + r.failedOperation()
                            .map(op -> " at " + op.describe()).orElse(""));
        }
    }
}
