package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * {@code flowtable name { hook ingress priority P; devices = { ... }; counter; }}: a flow offload
 * table.
 *
 * @param counter whether offloaded packets are counted into conntrack ({@code NFT_FLOWTABLE_COUNTER}),
 *     so that connection byte and packet counters keep growing once a flow is offloaded
 */
public record Flowtable(String name, int priority, List<String> devices, boolean counter) {

    public Flowtable {
        requireNonNull(name, "name");
        devices = List.copyOf(devices);
    }

    /** Without counters. */
    public Flowtable(String name, int priority, List<String> devices) {
        this(name, priority, devices, false);
    }
}
