package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** Up when a TCP connection opens. */
public enum TcpCheck implements HealthCheck {
    INSTANCE;

    @Override
    public HealthResult probe(Target target) throws Exception {
        try (SocketChannel ch = target.network().tcpChannel()) {
            ch.socket().connect(target.address(), target.timeoutMillis());
            return HealthResult.up("connected");
        } catch (IOException e) {
            return HealthResult.down(Failures.reason(e));
        }
    }

    @Override
    public String toString() {
        return "tcp";
    }
}
