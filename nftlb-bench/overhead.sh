#!/bin/sh
# The meters' overhead on a change (docs/benchmarks/metrics.md), as root: builds the bench module,
# times weight and state changes of a bare load balancer and of one with nftlb-micrometer's binder,
# interleaved, and rewrites the overhead results section. E.g. --farms 1000 --ops 5000.
exec "$(dirname "$0")/main.sh" io.nftlb.bench.MeterOverheadBench "$@"
