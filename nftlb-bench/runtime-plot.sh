#!/bin/sh
# Draws docs/benchmarks/runtime.png from the results section of docs/benchmarks/runtime.md (what
# nftlb-bench/runtime.sh wrote there): p50 latency against farms loaded, log scales. No root needed.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -f "$HOME/.mavenrc" ]; then
    . "$HOME/.mavenrc"
    export JAVA_HOME
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl nftlb-bench -am package -DskipTests
exec "$JAVA" -cp nftlb-bench/target/nftlb-bench.jar io.nftlb.bench.RuntimePlot "$@"
