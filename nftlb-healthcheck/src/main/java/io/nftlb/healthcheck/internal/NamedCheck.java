package io.nftlb.healthcheck.internal;

import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.healthcheck.Target;
import java.util.Objects;

/** A check with a name for logs. */
public record NamedCheck(String name, HealthCheck check) implements HealthCheck {

    public NamedCheck {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(check, "check == null");
    }

    @Override
    public HealthResult probe(Target target) throws Exception {
        return check.probe(target);
    }

    @Override
    public String toString() {
        return name;
    }
}
