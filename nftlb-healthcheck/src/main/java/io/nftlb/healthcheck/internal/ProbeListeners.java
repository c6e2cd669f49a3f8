package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthListener;
import io.nftlb.healthcheck.Probe;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the monitor's listeners about a probe; one that throws is logged and skipped. */
public final class ProbeListeners {

    private static final Logger log = LoggerFactory.getLogger("io.nftlb.healthcheck.HealthMonitor");

    private ProbeListeners() {}

    public static void tell(List<HealthListener> listeners, Probe probe) {
        for (HealthListener l : listeners) {
            try {
                l.probed(probe);
            } catch (RuntimeException e) {
                log.warn("health listener {} threw on a probe of {}/{}; ignored", l, probe.farm(), probe.backend(), e);
            }
        }
    }
}
