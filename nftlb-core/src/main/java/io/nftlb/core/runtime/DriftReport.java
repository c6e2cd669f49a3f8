package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * What one drift check found ({@link CommitListener#checked}); a repair it makes is reported
 * as a transaction of its own ({@link CommitReport.Cause#REPAIR}).
 *
 * @param readBack whether the tables were read back (only when some other transaction than the
 *     load balancer's own happened in the namespace since the last check)
 * @param drifted how many of the library's tables differed from what it committed
 * @param duration how long the check took, its repair not included
 * @param failure why the check could not be made; empty if it was
 */
public record DriftReport(boolean readBack, int drifted, Duration duration, Optional<RuntimeException> failure) {

    public DriftReport {
        requireNonNull(duration, "duration");
        requireNonNull(failure, "failure");
        if (drifted < 0) {
            throw new IllegalArgumentException("drifted cannot be negative: " + drifted);
        }
    }
}
