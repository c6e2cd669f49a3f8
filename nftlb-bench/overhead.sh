#!/bin/sh
# The meters' overhead on a change (docs/benchmarks/metrics.md), as root: builds the bench module,
# times weight and state changes of a bare load balancer and of one with nftlb-micrometer's binder,
# interleaved, and rewrites the overhead results section. E.g. --farms 1000 --ops 5000.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -f "$HOME/.mavenrc" ]; then
    . "$HOME/.mavenrc"
    export JAVA_HOME
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl nftlb-bench -am package -DskipTests
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp nftlb-bench/target/nftlb-bench.jar io.nftlb.bench.MeterOverheadBench "$@"
