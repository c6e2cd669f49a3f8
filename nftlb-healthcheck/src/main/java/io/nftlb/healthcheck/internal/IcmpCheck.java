package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One echo through ping(8): Java cannot open raw ICMP sockets. */
public enum IcmpCheck implements HealthCheck {
    INSTANCE;

    @Override
    public HealthResult probe(Target target) throws Exception {
        long seconds = Math.max(1, (target.timeout().toMillis() + 999) / 1000);
        var pb = new ProcessBuilder(List.of("ping", "-c", "1", "-n", "-q", "-W", Long.toString(seconds),
                target.address().getAddress().getHostAddress()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = target.network().start(pb);
        try {
            if (!p.waitFor(target.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                return HealthResult.down("timed out");
            }
            return p.exitValue() == 0 ? HealthResult.up("echo reply") : HealthResult.down("no echo reply");
        } finally {
            p.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "icmp";
    }
}
