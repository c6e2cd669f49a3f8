package io.nftlb.micrometer;

import java.util.List;

/**
 * The names of the meters the binders register, as Micrometer names them (a Prometheus registry
 * writes {@code nftlb.commits} as {@code nftlb_commits_seconds_count}, {@code _sum} and
 * {@code _bucket}, a counter with {@code _total}). Tags are in parentheses.
 */
public final class MeterNames {

    private MeterNames() {}

    /** Timer (cause, outcome), with a histogram: first call to kernel answer, per transaction. */
    public static final String COMMITS = "nftlb.commits";
    /** Timer (cause): the share of a commit spent in the transport (encoding, kernel, ACK). */
    public static final String COMMIT_TRANSPORT = "nftlb.commit.transport";
    /** Counter (cause): operations sent in committed transactions. */
    public static final String COMMIT_OPERATIONS = "nftlb.commit.operations";
    /** Counter (cause): set elements added or deleted by committed transactions. */
    public static final String COMMIT_ELEMENTS = "nftlb.commit.elements";
    /** Distribution summary: callers' changes coalesced into one transaction. */
    public static final String COMMIT_CHANGES = "nftlb.commit.changes";
    /** Counter (cause, errno, operation): transactions the kernel refused. */
    public static final String COMMIT_FAILURES = "nftlb.commit.failures";
    /** Counter (result: unchanged, same, drifted, failed): drift checks. */
    public static final String DRIFT_CHECKS = "nftlb.drift.checks";
    /** Counter (outcome): transactions that put back a drifted table. */
    public static final String DRIFT_REPAIRS = "nftlb.drift.repairs";
    /** Gauge: farms committed. */
    public static final String FARMS = "nftlb.farms";
    /** Gauge (farm, backend): 1 UP, 2 DRAIN, 3 DOWN, 4 OFF (the backend's state in the load balancer). */
    public static final String BACKEND_STATE = "nftlb.backend.state";
    /** Gauge (farm, backend): the backend's weight. */
    public static final String BACKEND_WEIGHT = "nftlb.backend.weight";
    /** Gauge (farm, backend): connections conntrack tracks to the backend now. */
    public static final String BACKEND_CONNECTIONS = "nftlb.backend.connections";
    /** Gauge (farm, backend): packets those connections carried, both directions. */
    public static final String BACKEND_PACKETS = "nftlb.backend.packets";
    /** Gauge (farm, backend): bytes those connections carried, both directions. */
    public static final String BACKEND_BYTES = "nftlb.backend.bytes";
    /** Timer: conntrack dumps read for the backend gauges (one per scrape interval at most). */
    public static final String CONNTRACK_DUMPS = "nftlb.conntrack.dumps";
    /** Timer (farm, backend, result: up, down, unknown): health probes and their latency. */
    public static final String HEALTH_PROBES = "nftlb.health.probes";
    /** Gauge (farm, backend): 1 if the health monitor sees the backend UP, 0 if DOWN. */
    public static final String HEALTH_STATE = "nftlb.health.state";
    /** Counter (farm, backend, to): health state changes. */
    public static final String HEALTH_TRANSITIONS = "nftlb.health.transitions";

    /** Every name above. */
    public static final List<String> ALL = List.of(COMMITS, COMMIT_TRANSPORT, COMMIT_OPERATIONS, COMMIT_ELEMENTS,
            COMMIT_CHANGES, COMMIT_FAILURES, DRIFT_CHECKS, DRIFT_REPAIRS, FARMS, BACKEND_STATE, BACKEND_WEIGHT,
            BACKEND_CONNECTIONS, BACKEND_PACKETS, BACKEND_BYTES, CONNTRACK_DUMPS, HEALTH_PROBES, HEALTH_STATE,
            HEALTH_TRANSITIONS);
}
