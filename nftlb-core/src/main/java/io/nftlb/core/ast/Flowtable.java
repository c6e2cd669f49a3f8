package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** {@code flowtable name { hook ingress priority P; devices = { ... } }}: a flow offload table. */
public record Flowtable(String name, int priority, List<String> devices) {

    public Flowtable {
        requireNonNull(name, "name");
        devices = List.copyOf(devices);
    }
}
